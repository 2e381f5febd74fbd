import type { Plan } from '../src/plan.ts';
import type { Journal } from './journal.ts';
import type { WatchedMap } from './seat-map.ts';
import type { Vu } from './vu.ts';

interface Member {
  vu: Vu;
  map: WatchedMap;
  /** Waiting for an answer (a person clicks, then waits for it). */
  busy: boolean;
  /** When the last answer came: a person needs a moment to look and click again. */
  answeredAt: number;
  /** Won a seat (and paid for it, or gave up on paying): clicks no more. */
  done: boolean;
}

const TICK_MS = 5;
/** A person clicks at most about once a second: 60 a minute, under hold:create's 120 limit. */
const CLICK_GAP_MS = 1000;

/**
 * The tatkal opening, for the rush virtual users of one Artillery worker. Everyone watches
 * before the instant; from it, hold attempts go out on an open-loop schedule whose rate ramps
 * from 0 to the worker's share of the peak in `rampMs` and stays there for the rest of the
 * window. Each attempt goes to the next member who can click: still without a seat, not waiting
 * for an answer, and at least a second past its last one (a person, not a script). It picks
 * seats its own map shows free; a winner pays and clicks no more. An attempt no member can take
 * is counted as unsent: a crowd of N can offer at most about N a second, fewer when answers are
 * slow. The share is peak x members / participants (every member adds peak / participants), so
 * any number of workers adds up to the peak.
 */
export class RushScheduler {
  private readonly members: Member[] = [];
  private next = 0;
  private readonly pending = new Set<Promise<void>>();
  private readonly finished: Promise<void>;

  constructor(
    private readonly plan: Plan,
    private readonly journal: Journal,
  ) {
    const { rushAtMs } = plan.timeline;
    this.finished = sleepUntil(journal.at(rushAtMs)).then(() => this.run());
  }

  /** Takes part in the rush; resolves once the window is over and its attempts are answered. */
  join(vu: Vu, map: WatchedMap): Promise<void> {
    if (Date.now() >= this.journal.at(this.plan.timeline.rushAtMs)) vu.counter('berth.rush.late');
    this.members.push({ vu, map, busy: false, answeredAt: 0, done: false });
    return this.finished;
  }

  private async run() {
    const { rushAtMs, rushMs, rampMs } = this.plan.timeline;
    const start = this.journal.at(rushAtMs);
    const end = start + rushMs;
    // Members who joined by the instant set the rate; latecomers still get attempts.
    const perMs =
      (this.plan.rush.peakPerSecond * this.members.length) / this.plan.rush.participants / 1000;
    const planned = (t: number) =>
      t < rampMs ? (perMs * t * t) / (2 * rampMs) : (perMs * rampMs) / 2 + perMs * (t - rampMs);
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = Date.now();
        const due = Math.floor(planned(Math.min(now, end) - start));
        while (sent < due) {
          sent++;
          this.attempt();
        }
        if (now >= end) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    while (this.pending.size > 0) await Promise.race(this.pending);
  }

  private attempt() {
    const member = this.pick();
    if (!member) {
      this.members[0]?.vu.counter('berth.rush.unsent');
      return;
    }
    const p = this.tryHold(member).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Round robin over the members who can click now. */
  private pick(): Member | undefined {
    const now = Date.now();
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[(this.next + i) % this.members.length]!;
      if (m.done || m.busy || now - m.answeredAt < CLICK_GAP_MS) continue;
      this.next = (this.next + i + 1) % this.members.length;
      return m;
    }
    return undefined;
  }

  private async tryHold(m: Member) {
    m.busy = true;
    try {
      const party = m.vu.random.chance(0.7) ? 1 : 2;
      const booking = await m.vu.hold(m.map, chooseSeats(m, party));
      m.answeredAt = Date.now();
      if (typeof booking === 'string') return;
      m.done = true;
      const paid = await m.vu.pay(booking, 2);
      if (paid === 'declined') await m.vu.release(booking);
    } finally {
      m.busy = false;
    }
  }
}

/**
 * Seats the member's map shows free, in one class (a booking is of one class); once none are
 * left, seats of one class anyway, as a user who keeps clicking on a sold-out train.
 */
function chooseSeats(m: Member, party: number): number[] {
  const free = [...m.map.freeByClass().values()].filter((seats) => seats.length >= party);
  const pool = free.length > 0 ? free : [...m.map.byClass().values()];
  return m.vu.random.sample(m.vu.random.pick(pool), party).map((s) => s.seatId);
}

function sleepUntil(at: number) {
  return new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
}

const schedulers = new Map<string, RushScheduler>();
/** One scheduler per worker and run. */
export function rushFor(plan: Plan, journal: Journal): RushScheduler {
  let s = schedulers.get(plan.dir);
  if (!s) schedulers.set(plan.dir, (s = new RushScheduler(plan, journal)));
  return s;
}
