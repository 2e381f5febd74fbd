import type { QueueChanged, SeatsChanged, SeatsDigest, SeatSelecting } from '@berth/shared';
import { SeatMapState, type Schedule } from '../state/seat-map.svelte.ts';
import { describeError } from '../format/errors.ts';
import { serverClock } from '../state/server-clock.svelte.ts';
import type { Connection } from './connection.svelte.ts';

/**
 * Live watches per connection and run. The server's room is per run and connection, so two
 * watches of one run (a search result and its seat map, two segments) share it: only the last
 * one to close may leave it.
 */
const watchers = new WeakMap<Connection, Map<number, number>>();

/**
 * Watches one run for one segment over a connection: takes the snapshot, feeds the run's deltas,
 * digests and "being selected" marks into a SeatMapState, and takes a fresh snapshot after every
 * reconnect or when a digest shows a missed batch.
 */
export class RunWatch {
  readonly map: SeatMapState;
  #error = $state<string | null>(null);
  #catchingUp = $state(false);
  #missing = $state(false);
  #queueChanges = $state(0);
  #closed = false;
  readonly #off: (() => void)[] = [];

  constructor(
    private readonly conn: Connection,
    readonly runId: number,
    readonly from: string,
    readonly to: string,
    opts: { schedule?: Schedule } = {},
  ) {
    const counts = watchers.get(conn) ?? new Map<number, number>();
    watchers.set(conn, counts);
    counts.set(runId, (counts.get(runId) ?? 0) + 1);
    this.map = new SeatMapState({ ...opts, onBehind: () => void this.snapshot() });
    const onChanged = (batch: SeatsChanged) => {
      if (batch.runId === runId) this.map.queue(batch.seats);
    };
    const onDigest = (digest: SeatsDigest) => this.map.checkDigest(digest);
    const onSelecting = (mark: SeatSelecting) => {
      if (mark.runId === runId) this.map.mark(mark.seatId, mark.until);
    };
    const onQueue = (change: QueueChanged) => {
      if (change.runId === runId) this.#queueChanges += 1;
    };
    conn.socket.on('seats:changed', onChanged);
    conn.socket.on('seats:digest', onDigest);
    conn.socket.on('seat:selecting', onSelecting);
    conn.socket.on('queue:changed', onQueue);
    this.#off.push(
      () => conn.socket.off('queue:changed', onQueue),
      () => conn.socket.off('seats:changed', onChanged),
      () => conn.socket.off('seats:digest', onDigest),
      () => conn.socket.off('seat:selecting', onSelecting),
      conn.onReconnect(() => {
        this.#catchingUp = true;
        void this.snapshot();
      }),
    );
    void this.snapshot();
  }

  /**
   * Whether what the map shows may be out of date: the connection is down, or it is back and the
   * fresh snapshot has not arrived yet. A view marks itself stale while this is true.
   */
  get stale(): boolean {
    return !this.conn.online || this.#catchingUp || !this.map.ready;
  }

  /**
   * How many times a class's RAC or waitlist changed since the watch began: a view that shows
   * RAC and WL counts re-reads them when it moves (no seat delta describes a waitlist).
   */
  get queueChanges(): number {
    return this.#queueChanges;
  }

  /** The run (or its segment) does not exist: there is no map to show, now or after a retry. */
  get missing(): boolean {
    return this.#missing;
  }

  /** Why the map could not be loaded, in words for a passenger; null when all is well. */
  get error(): string | null {
    return this.#error;
  }

  /** (Re)joins the run's room; the ack is a fresh snapshot that replaces everything shown. */
  async snapshot(): Promise<void> {
    const ack = await this.conn.ask('run:watch', {
      runId: this.runId,
      from: this.from,
      to: this.to,
    });
    if (this.#closed) return;
    if (ack.ok) {
      this.#error = null;
      this.#missing = false;
      serverClock.learn(ack.data.serverNow);
      this.map.applySnapshot(ack.data);
      this.#catchingUp = false;
    } else {
      this.#error = describeError(ack.error);
      this.#missing = ack.error.code === 'NOT_FOUND' || ack.error.code === 'VALIDATION';
    }
  }

  /** Tells the run's other watchers that this viewer is looking at a seat. */
  select(seatId: number): void {
    void this.conn.ask('seat:select', { runId: this.runId, seatId });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#off) off();
    this.map.dispose();
    const counts = watchers.get(this.conn)!;
    const left = (counts.get(this.runId) ?? 1) - 1;
    if (left > 0) return void counts.set(this.runId, left);
    counts.delete(this.runId);
    if (this.conn.online) void this.conn.ask('run:unwatch', { runId: this.runId });
  }
}
