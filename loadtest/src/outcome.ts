import fs from 'node:fs';
import path from 'node:path';
import type { JournalRecord, RateRecord } from './plan.ts';

type Of<T extends JournalRecord['t']> = Extract<JournalRecord, { t: T }>;

export interface Journals {
  records: JournalRecord[];
  rates: RateRecord[];
}

/** Every journal line and rate series the workers wrote into `dir`. */
export function readJournals(dir: string): Journals {
  const records: JournalRecord[] = [];
  const rates: RateRecord[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name.startsWith('journal-') && name.endsWith('.jsonl')) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (line.trim()) records.push(JSON.parse(line) as JournalRecord);
      }
    } else if (name.startsWith('rates-') && name.endsWith('.json')) {
      rates.push(JSON.parse(fs.readFileSync(file, 'utf8')) as RateRecord);
    }
  }
  return { records, rates };
}

export const only = <T extends JournalRecord['t']>(records: JournalRecord[], t: T): Of<T>[] =>
  records.filter((r): r is Of<T> => r.t === t);

export interface WinnerReport {
  /** Most bookings that held one seat on one leg at one time (1 is right). */
  maxWinners: number;
  doubles: string[];
  /** Snipers' contested seats: per seat and segment, how many tried and how many won. */
  contested: { seatId: number; from: string; to: string; contenders: number; winners: number }[];
}

/**
 * Winners per seat and segment, from the holds every user saw acknowledged. A booking owns its
 * seats from its hold's ack (after the commit) to the moment its release or cancel was sent
 * (before that commit): inside the true span, so two owners overlapping here on one leg of one
 * seat overlapped in the database too. The leg is one stop to the next.
 */
export function winners(records: JournalRecord[]): WinnerReport {
  const ends = new Map(only(records, 'end').map((e) => [e.bookingId, e.sentAt]));
  const spans = new Map<string, { bookingId: number; start: number; end: number }[]>();
  for (const h of only(records, 'hold')) {
    const end = ends.get(h.bookingId) ?? Infinity;
    for (const seatId of h.seatIds) {
      for (let leg = h.fromSeq; leg < h.toSeq; leg++) {
        const key = `${seatId}:${leg}`;
        const list = spans.get(key) ?? [];
        list.push({ bookingId: h.bookingId, start: h.ackAt, end });
        spans.set(key, list);
      }
    }
  }
  let maxWinners = 0;
  const doubles: string[] = [];
  for (const [key, list] of spans) {
    const events = list.flatMap((s) => [
      { at: s.start, d: 1, s },
      { at: s.end, d: -1, s },
    ]);
    // At one instant an end comes before a start: a seat let go and taken again is one owner.
    events.sort((a, b) => a.at - b.at || a.d - b.d);
    let live = 0;
    const owners = new Set<number>();
    for (const e of events) {
      live += e.d;
      if (e.d > 0) owners.add(e.s.bookingId);
      else owners.delete(e.s.bookingId);
      if (live > maxWinners) maxWinners = live;
      if (live > 1 && doubles.length < 20) {
        const [seatId, leg] = key.split(':');
        doubles.push(`seat ${seatId}, leg ${leg}: bookings ${[...owners].join(' and ')} at once`);
      }
    }
  }
  const contested = new Map<string, WinnerReport['contested'][number]>();
  for (const c of only(records, 'contend')) {
    const key = `${c.seatId}:${c.from}:${c.to}`;
    const row = contested.get(key) ?? {
      seatId: c.seatId,
      from: c.from,
      to: c.to,
      contenders: 0,
      winners: 0,
    };
    row.contenders += 1;
    if (c.outcome === 'WON') row.winners += 1;
    contested.set(key, row);
  }
  return {
    maxWinners,
    doubles,
    contested: [...contested.values()].sort(
      (a, b) => a.seatId - b.seatId || a.from.localeCompare(b.from),
    ),
  };
}

export interface Truth {
  /** Per "runId:from:to", seat -> state and version of a fresh anonymous snapshot. */
  get(
    runId: number,
    from: string,
    to: string,
  ): Map<number, { state: string; version: number }> | undefined;
}

export interface TruthReport {
  maps: number;
  seats: number;
  staleSeats: number;
  /** Maps with at least one stale seat. */
  staleMaps: number;
  /** Seats whose state is right but whose version is behind (a missed change that undid itself). */
  behindVersions: number;
  digestBehind: number;
  resyncs: number;
  /** Maps reported without the drained signal (the wait ran out). */
  undrained: number;
  examples: string[];
}

/** A viewer's `yours` is its own hold or booking: held or booked to anyone else. */
function sameState(seen: string, truth: string): boolean {
  return seen === 'yours' ? truth === 'held' || truth === 'booked' : seen === truth;
}

/** Live truth: every watcher's map after the load against a fresh snapshot of its segment. */
export function compareMaps(records: JournalRecord[], truth: Truth): TruthReport {
  const out: TruthReport = {
    maps: 0,
    seats: 0,
    staleSeats: 0,
    staleMaps: 0,
    behindVersions: 0,
    digestBehind: 0,
    resyncs: 0,
    undrained: 0,
    examples: [],
  };
  for (const m of only(records, 'map')) {
    out.maps += 1;
    out.digestBehind += m.digestBehind;
    out.resyncs += m.resyncs;
    if (!m.drained) out.undrained += 1;
    const fresh = truth.get(m.runId, m.from, m.to);
    if (!fresh) throw new Error(`no fresh snapshot of run ${m.runId} ${m.from}-${m.to}`);
    let stale = 0;
    for (const [seatId, version, state] of m.seats) {
      out.seats += 1;
      const t = fresh.get(seatId);
      if (!t || !sameState(state, t.state)) {
        stale += 1;
        if (out.examples.length < 10)
          out.examples.push(
            `vu ${m.vu} (${m.persona}) run ${m.runId} ${m.from}-${m.to} seat ${seatId}: ` +
              `shows ${state} v${version}, is ${t ? `${t.state} v${t.version}` : 'missing'}`,
          );
      } else if (version < t.version) out.behindVersions += 1;
    }
    out.staleSeats += stale;
    if (stale > 0) out.staleMaps += 1;
  }
  return out;
}

/** Hold attempts per second since t0, summed over the workers. */
export function sumRates(rates: RateRecord[]): RateRecord {
  const out: RateRecord = { sent: [], answered: [], ok: [], ack: [], fanout: [], errors: {} };
  const add = (into: number[], from: number[]) =>
    from.forEach((n, i) => (into[i] = (into[i] ?? 0) + n));
  const addBuckets = (into: number[][], from: number[][]) =>
    from.forEach((buckets, i) => add((into[i] ??= []), buckets));
  for (const r of rates) {
    for (const k of ['sent', 'answered', 'ok'] as const) add(out[k], r[k]);
    addBuckets(out.ack, r.ack ?? []);
    addBuckets(out.fanout, r.fanout ?? []);
    for (const [code, series] of Object.entries(r.errors ?? {}))
      add((out.errors[code] ??= []), series);
  }
  const dense = (series: number[]) => Array.from(series, (n) => n ?? 0);
  for (const k of ['sent', 'answered', 'ok'] as const) out[k] = dense(out[k]);
  out.ack = Array.from(out.ack, (b) => dense(b ?? []));
  out.fanout = Array.from(out.fanout, (b) => dense(b ?? []));
  for (const code of Object.keys(out.errors)) out.errors[code] = dense(out.errors[code]!);
  return out;
}

/** Sum of a per-second series over [fromS, toS). */
export const within = (series: number[], fromS: number, toS: number) =>
  series.slice(Math.max(0, fromS), Math.max(0, toS)).reduce((a, b) => a + b, 0);
