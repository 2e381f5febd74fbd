import {
  canHold,
  stateForSegment,
  type RunSnapshot,
  type SeatDelta,
  type SeatMapSeat,
  type SeatState,
  type SeatsDigest,
  type StopRef,
} from '@berth/shared';
import { partFree, type PartFree } from './part-free.ts';

export type Schedule = (flush: () => void) => void;

/** Next animation frame, with a timer as a backstop for tabs that paint rarely. */
export const frameSchedule: Schedule = (flush) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    flush();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, 100);
};

/** How long a digest may run ahead of the batches before the client re-snapshots. */
export const DIGEST_GRACE_MS = 1500;

export interface ClassCount {
  classCode: string;
  capacity: number;
  free: number;
}

/**
 * The live seat map of one run for one segment. The snapshot from `run:watch` sets it; deltas
 * (`seats:changed`) are queued and applied in one batch per animation frame; a delta whose
 * version is not newer than what is shown is stale and ignored. Each seat keeps the spans it
 * last came with, so the map can say where a taken seat is still free. Digests tell whether a batch was
 * missed: if the versions the client holds still add up to less than the server's after a grace
 * period, `onBehind` asks for a fresh snapshot.
 */
export class SeatMapState {
  #seats = $state<SeatMapSeat[]>([]);
  #selecting = $state<Record<number, number>>({});
  #ready = $state(false);
  #resyncs = $state(0);
  #runId = 0;
  #segment = { from: 0, to: 0 };
  #boarding = $state.raw<RunSnapshot['from'] | null>(null);
  /** The segment's stops by seq: names for the stretches a seat is free on. */
  #stops = new Map<number, StopRef>();
  readonly #index = new Map<number, number>();
  /** Seats of the viewer's own live holds and bookings on this run. */
  readonly #mine = new Set<number>();
  #queue: SeatDelta[] = [];
  /**
   * The newest delta seen for each seat. The server joins the room before it reads a snapshot,
   * so a change committed after that read can arrive before the snapshot's ack: re-applied over
   * every snapshot, these keep an older snapshot from undoing what the map already has.
   */
  readonly #latest = new Map<number, SeatDelta>();
  #flushQueued = false;
  #digestTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly opts: {
      schedule?: Schedule;
      onBehind?: () => void;
      now?: () => number;
      graceMs?: number;
    } = {},
  ) {}

  get ready(): boolean {
    return this.#ready;
  }
  get runId(): number {
    return this.#runId;
  }
  /** The segment's boarding stop and its departure, once a snapshot has arrived. */
  get boarding(): RunSnapshot['from'] | null {
    return this.#boarding;
  }
  get seats(): readonly SeatMapSeat[] {
    return this.#seats;
  }
  /** How many times a digest made this map take a fresh snapshot. */
  get resyncs(): number {
    return this.#resyncs;
  }

  seat(seatId: number): SeatMapSeat | undefined {
    // Read the seats first: a caller that looked before the snapshot then re-runs when it lands
    // (the index itself is not reactive).
    const seats = this.#seats;
    const i = this.#index.get(seatId);
    return i === undefined ? undefined : seats[i];
  }

  /** Where a seat taken on part of this segment is still free; null for any other seat. */
  hint(seatId: number): PartFree | null {
    const seat = this.seat(seatId);
    return seat ? partFree(seat, this.#segment, this.#stops) : null;
  }

  /** True while another watcher is looking at the seat. */
  isSelecting(seatId: number, now = (this.opts.now ?? Date.now)()): boolean {
    const until = this.#selecting[seatId];
    return until !== undefined && until > now;
  }

  get versionSum(): number {
    let sum = 0;
    for (const s of this.#seats) sum += s.version;
    return sum;
  }

  /** Seats a hold may take (free, not RAC berths) and capacity per class, for this segment. */
  get counts(): ClassCount[] {
    const byClass = new Map<string, ClassCount>();
    for (const s of this.#seats) {
      const c = byClass.get(s.classCode) ?? { classCode: s.classCode, capacity: 0, free: 0 };
      c.capacity += 1;
      if (canHold(s)) c.free += 1;
      byClass.set(s.classCode, c);
    }
    return [...byClass.values()];
  }

  applySnapshot(snapshot: RunSnapshot, now = (this.opts.now ?? Date.now)()): void {
    this.#runId = snapshot.runId;
    this.#segment = { from: snapshot.from.seq, to: snapshot.to.seq };
    this.#boarding = snapshot.from;
    this.#stops = new Map(snapshot.stops.map((stop) => [stop.seq, stop]));
    this.#index.clear();
    this.#mine.clear();
    snapshot.seats.forEach((s, i) => {
      this.#index.set(s.seatId, i);
      if (s.state === 'yours') this.#mine.add(s.seatId);
    });
    this.#seats = snapshot.seats.map((s) => ({ ...s }));
    // Whatever is queued is in #latest too: apply the lot now, newer versions only.
    this.#queue = [...this.#latest.values()];
    this.flush();
    const offset = Date.parse(snapshot.serverNow) - now;
    this.#selecting = Object.fromEntries(
      snapshot.selecting.map((m) => [m.seatId, Date.parse(m.until) - offset]),
    );
    this.#ready = true;
    this.#clearDigestTimer();
  }

  /** Queues a batch; it is applied with any others on the next frame. */
  queue(deltas: readonly SeatDelta[]): void {
    for (const delta of deltas) {
      const newest = this.#latest.get(delta.seatId);
      if (!newest || newest.version < delta.version) this.#latest.set(delta.seatId, delta);
    }
    this.#queue.push(...deltas);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    (this.opts.schedule ?? frameSchedule)(() => this.flush());
  }

  /** Applies every queued delta now, in order; stale versions are skipped. */
  flush(): void {
    this.#flushQueued = false;
    const batch = this.#queue;
    this.#queue = [];
    for (const delta of batch) {
      const i = this.#index.get(delta.seatId);
      if (i === undefined) continue;
      const seat = this.#seats[i]!;
      if (delta.version <= seat.version) continue;
      const state = stateForSegment(delta.occupancy, this.#segment);
      if (state === 'free') this.#mine.delete(delta.seatId);
      seat.version = delta.version;
      seat.state = this.#mine.has(delta.seatId) ? 'yours' : state;
      seat.occupancy = delta.occupancy;
    }
  }

  /** The viewer now holds these seats (from a hold's ack): show them as theirs. */
  claim(seatIds: readonly number[]): void {
    for (const id of seatIds) {
      this.#mine.add(id);
      const seat = this.seat(id);
      if (seat && seat.state !== 'free') seat.state = 'yours';
    }
  }

  /** The viewer's hold on these seats ended; what the seats show now comes from the deltas. */
  disown(seatIds: readonly number[]): void {
    for (const id of seatIds) {
      this.#mine.delete(id);
      const seat = this.seat(id);
      if (seat?.state === 'yours') seat.state = 'held';
    }
  }

  mark(seatId: number, untilIso: string, serverOffsetMs = 0): void {
    this.#selecting[seatId] = Date.parse(untilIso) - serverOffsetMs;
  }

  /** Compares with the server's digest; re-snapshots if still behind after the grace period. */
  checkDigest(digest: SeatsDigest): void {
    if (!this.#ready || digest.runId !== this.#runId) return;
    if (this.#queue.length > 0) this.flush();
    if (!this.#behind(digest)) return this.#clearDigestTimer();
    if (this.#digestTimer) return;
    this.#digestTimer = setTimeout(() => {
      this.#digestTimer = null;
      this.flush();
      if (this.#behind(digest)) {
        this.#resyncs += 1;
        this.opts.onBehind?.();
      }
    }, this.opts.graceMs ?? DIGEST_GRACE_MS);
  }

  #behind(digest: SeatsDigest): boolean {
    // Versions only grow: holding less than the server's sum means a change never arrived.
    return digest.seatCount !== this.#seats.length || this.versionSum < digest.versionSum;
  }

  #clearDigestTimer() {
    if (this.#digestTimer) clearTimeout(this.#digestTimer);
    this.#digestTimer = null;
  }

  dispose(): void {
    this.#clearDigestTimer();
    this.#queue = [];
  }
}

export type { SeatState };
