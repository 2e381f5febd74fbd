import {
  canHold,
  stateForSegment,
  type RunSnapshot,
  type SeatDelta,
  type SeatMapSeat,
  type SeatState,
  type SeatsDigest,
} from '@berth/shared';

/**
 * One watched run for one segment, kept as the web client keeps it (web/src/lib/state/
 * seat-map.svelte.ts, without Svelte): the `run:watch` snapshot, then every delta whose version
 * is newer than the seat's, its state derived for this segment with `stateForSegment`, and the
 * viewer's own seats shown as `yours`. Unlike the web client it never re-snapshots on a digest:
 * it only counts the digests that would have made the web client do so, so a missed batch
 * shows up as a stale seat at the end instead of being papered over.
 */
export class WatchedMap {
  readonly runId: number;
  readonly from: string;
  readonly to: string;
  private segment = { from: 0, to: 0 };
  private seats = new Map<number, SeatMapSeat>();
  private readonly mine = new Set<number>();
  /** Digests that still found this map behind after the grace period. */
  digestBehind = 0;
  /** Fresh snapshots taken after a reconnect. */
  resyncs = 0;

  /**
   * The newest delta seen for each seat. The server joins the room before it reads the snapshot,
   * so a change committed after that read can arrive before the snapshot's ack: re-applied over
   * each snapshot, these keep a snapshot older than what this map already has from undoing it.
   */
  private readonly latest = new Map<number, SeatDelta>();

  /** `early`: the deltas that arrived for the run while its snapshot was on its way. */
  constructor(
    snapshot: RunSnapshot,
    watched: { from: string; to: string },
    early: readonly SeatDelta[] = [],
  ) {
    this.runId = snapshot.runId;
    this.from = watched.from;
    this.to = watched.to;
    this.apply(early);
    this.applySnapshot(snapshot);
  }

  applySnapshot(snapshot: RunSnapshot): void {
    this.segment = { from: snapshot.from.seq, to: snapshot.to.seq };
    this.seats = new Map(snapshot.seats.map((s) => [s.seatId, { ...s }]));
    this.mine.clear();
    for (const s of snapshot.seats) if (s.state === 'yours') this.mine.add(s.seatId);
    this.apply([...this.latest.values()]);
  }

  apply(deltas: readonly SeatDelta[]): void {
    for (const delta of deltas) {
      const newest = this.latest.get(delta.seatId);
      if (!newest || newest.version < delta.version) this.latest.set(delta.seatId, delta);
      const seat = this.seats.get(delta.seatId);
      if (!seat || delta.version <= seat.version) continue;
      const state = stateForSegment(delta.occupancy, this.segment);
      if (state === 'free') this.mine.delete(delta.seatId);
      seat.version = delta.version;
      seat.state = this.mine.has(delta.seatId) ? 'yours' : state;
    }
  }

  /** The viewer now holds these seats (its hold's ack). */
  claim(seatIds: readonly number[]): void {
    for (const id of seatIds) {
      this.mine.add(id);
      const seat = this.seats.get(id);
      if (seat && seat.state !== 'free') seat.state = 'yours';
    }
  }

  /** The viewer let these seats go; what they show now comes from the deltas. */
  disown(seatIds: readonly number[]): void {
    for (const id of seatIds) {
      this.mine.delete(id);
      const seat = this.seats.get(id);
      if (seat?.state === 'yours') seat.state = 'held';
    }
  }

  /** True if the digest says this map has missed a change (versions only grow). */
  behind(digest: SeatsDigest): boolean {
    return digest.seatCount !== this.seats.size || this.versionSum() < digest.versionSum;
  }

  versionSum(): number {
    let sum = 0;
    for (const s of this.seats.values()) sum += s.version;
    return sum;
  }

  /** Seats this viewer sees as free for a hold, grouped by class. */
  freeByClass(): Map<string, SeatMapSeat[]> {
    const out = new Map<string, SeatMapSeat[]>();
    for (const s of this.seats.values()) {
      // A free RAC berth is sold only by request: a hold there is refused, never raced for.
      if (!canHold(s)) continue;
      const list = out.get(s.classCode) ?? [];
      list.push(s);
      out.set(s.classCode, list);
    }
    return out;
  }

  /** Every seat a hold may ever take (all but RAC berths), grouped by class. */
  byClass(): Map<string, SeatMapSeat[]> {
    const out = new Map<string, SeatMapSeat[]>();
    for (const s of this.seats.values()) {
      if (!s.rac) out.set(s.classCode, [...(out.get(s.classCode) ?? []), s]);
    }
    return out;
  }

  state(seatId: number): SeatState | undefined {
    return this.seats.get(seatId)?.state;
  }

  rows(): [number, number, string][] {
    return [...this.seats.values()].map((s) => [s.seatId, s.version, s.state]);
  }
}
