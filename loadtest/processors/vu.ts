import {
  ackSchema,
  type BookingView,
  type SeatDelta,
  type SeatsChanged,
  type SeatsDigest,
} from '@berth/shared';
import type { z } from 'zod';
import { metric, type Plan, type WatchTarget } from '../src/plan.ts';
import {
  describe,
  PUSHES,
  send,
  type BerthSocket,
  type Command,
  type DataOf,
  type Outcome,
  type PayloadOf,
} from './commands.ts';
import type { Journal } from './journal.ts';
import { Random } from './random.ts';
import { WatchedMap } from './seat-map.ts';

/** Artillery's event emitter for custom metrics. */
export interface Events {
  emit(type: 'counter' | 'histogram', name: string, value: number): void;
}

/** The slice of Artillery's virtual-user context the processors read. */
export interface Context {
  vars: Record<string, unknown>;
  sockets?: Record<string, BerthSocket>;
  scenario?: { name?: string };
}

/** How long a digest may find a map behind before it counts (the web client's DIGEST_GRACE_MS). */
const DIGEST_GRACE_MS = 1500;
/** A map is reported once this long has passed without a batch after the drained signal. */
const QUIET_MS = 1000;
const SETTLE_MIN_MS = 1500;
const SETTLE_MAX_MS = 10_000;
/** A watcher not fresh this long after reconnecting is stale: it fails the run. */
const CONVERGE_STALE_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * One virtual user: the engine's socket (already connected with the user's token), the maps of
 * the runs it watches, and every command it sends, each timed out, timed, checked against the
 * contract and counted by code.
 */
export class Vu {
  readonly index: number;
  readonly userId: number;
  readonly persona: string;
  readonly random: Random;
  readonly socket: BerthSocket;
  readonly maps = new Map<number, WatchedMap>();
  /** Deltas of runs whose first snapshot is on its way, by run. */
  private readonly early = new Map<number, SeatDelta[]>();
  /** Scratch space of the persona's steps (the run a buyer chose, its booking, ...). */
  readonly state: Record<string, unknown> = {};
  private lastBatchAt = 0;
  private keys = 0;
  private connects = 0;
  private readonly digestTimers = new Set<number>();

  constructor(
    readonly context: Context,
    readonly events: Events,
    readonly plan: Plan,
    readonly journal: Journal,
  ) {
    this.index = Number(context.vars.index);
    this.userId = Number(context.vars.userId);
    this.persona = context.scenario?.name ?? 'unknown';
    this.random = new Random(plan.seed, this.index);
    const socket = context.sockets?.[''];
    if (!socket) throw new Error('the socketio engine gave this virtual user no socket');
    this.socket = socket;
    // A template that rendered to nothing connects anonymously, and every command is refused.
    if (!(socket.auth as { token?: unknown }).token)
      throw new Error('the socket was opened without an access token');
    this.connects = socket.connected ? 1 : 0;
    // Artillery's engine waits once for 'connect_error' and 'error' to learn how the first
    // connect went, and never stops listening: a failed reconnect later (its node killed) would
    // call that callback a second time and crash the worker. It has its answer by now.
    socket.off('connect_error');
    (socket as unknown as { off(event: string): void }).off('error');
    this.listen();
  }

  counter(name: string, n = 1) {
    this.events.emit('counter', name, n);
  }

  private listen() {
    const s = this.socket;
    for (const [event, schema] of Object.entries(PUSHES)) {
      (s.on as (e: string, l: (payload: unknown) => void) => void)(event, (payload) => {
        const arrived = Date.now();
        const parsed = (schema as z.ZodType).safeParse(payload);
        if (!parsed.success) {
          this.counter(metric.code(event, 'CONTRACT'));
          this.journal.problem('CONTRACT', event, describe(parsed.error, payload));
          return;
        }
        if (event === 'seats:changed') this.onBatch(parsed.data as SeatsChanged, arrived);
        else if (event === 'seats:digest') this.onDigest(parsed.data as SeatsDigest);
      });
    }
    // Artillery's engine patches the socket to emit '*' with every packet: anything not in the
    // contract's push list is a contract violation too.
    (s.on as (e: string, l: (packet: { data?: unknown[] }) => void) => void)('*', (packet) => {
      const name = packet.data?.[0];
      if (typeof name === 'string' && !(name in PUSHES)) {
        this.counter(metric.code('push', 'CONTRACT'));
        this.journal.problem('CONTRACT', name, 'a push the contract does not define');
      }
    });
    // Artillery closes every socket when its flow ends: only the server's or the network's count.
    s.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.counter('berth.disconnects');
    });
    // Reconnected: the rooms are gone, so watch again and take fresh snapshots, as the web does.
    s.on('connect', () => {
      if (++this.connects === 1) return;
      this.counter('berth.reconnects');
      void this.resnapshot(Date.now(), [...this.maps.values()]);
    });
  }

  private onBatch(batch: SeatsChanged, arrived: number) {
    this.lastBatchAt = arrived;
    const committed = Date.parse(batch.committedAt);
    if (Number.isFinite(committed)) {
      this.events.emit('histogram', metric.fanout, arrived - committed);
      this.journal.delivered(arrived, arrived - committed);
    }
    const map = this.maps.get(batch.runId);
    if (map) map.apply(batch.seats);
    else this.early.get(batch.runId)?.push(...batch.seats);
  }

  private onDigest(digest: SeatsDigest) {
    const map = this.maps.get(digest.runId);
    if (!map || !map.behind(digest) || this.digestTimers.has(digest.runId)) return;
    this.digestTimers.add(digest.runId);
    const detectedAt = Date.now();
    setTimeout(() => {
      this.digestTimers.delete(digest.runId);
      if (this.maps.get(digest.runId) === map && map.behind(digest)) {
        map.digestBehind += 1;
        this.counter('berth.digest_behind');
        // Under chaos a slow consumer is dropped messages, by design: it re-snapshots, as the web
        // client does. Otherwise a map behind is a lost push, left for the live-truth check.
        if (this.plan.chaos) void this.resnapshot(detectedAt, [map]);
      }
    }, DIGEST_GRACE_MS);
  }

  /**
   * Fresh snapshots of `maps` (after a reconnect the rooms are gone; after a digest found a map
   * behind, deltas were missed). How long from `since` until all are fresh is the convergence
   * time; a map not fresh within CONVERGE_STALE_MS counts as stale, which fails the run.
   */
  private async resnapshot(since: number, maps: WatchedMap[]) {
    let fresh = true;
    for (const map of maps) {
      const res = await this.command('run:watch', { runId: map.runId, from: map.from, to: map.to });
      if (res.ok) {
        map.applySnapshot(res.data);
        map.resyncs += 1;
      } else fresh = false;
    }
    const ms = Date.now() - since;
    this.events.emit('histogram', metric.converge, ms);
    if (!fresh || ms > CONVERGE_STALE_MS) this.counter(metric.convergeStale);
  }

  /**
   * A slow consumer: stops reading its socket for `ms` (the TCP connection under socket.io, so
   * the server's send buffer fills and its backpressure limit decides what is dropped), then
   * reads again and must notice, by versions and the digest, what it missed.
   */
  async stopReading(ms: number): Promise<void> {
    const engine = this.socket.io.engine as unknown as {
      transport?: { ws?: { _socket?: { pause(): void; resume(): void } } };
    };
    const raw = engine.transport?.ws?._socket;
    if (!raw) {
      this.counter('berth.chaos.slow_skipped');
      return;
    }
    this.counter('berth.chaos.slow_consumers');
    raw.pause();
    await sleep(ms);
    raw.resume();
  }

  /** Drops the connection as a network blip would; socket.io reconnects by itself. */
  reconnectNow(): void {
    this.counter('berth.chaos.storm_reconnects');
    this.socket.io.engine.close();
  }

  /** Sends a command and counts what came of it; CONTRACT, INTERNAL and lost acks are problems. */
  async command<E extends Command>(event: E, payload: PayloadOf<E>): Promise<Outcome<DataOf<E>>> {
    // Past the end of the load nothing changes any more, so the drained state stays true.
    if (event !== 'run:watch' && !this.journal.loadRunning())
      return { ok: false, code: 'LOAD_OVER', message: 'the load window is over', ms: 0 };
    const res = await send(this.socket, event, payload, this.plan.ackTimeoutMs, {
      retryLostAcks: this.plan.chaos !== null,
    });
    if (res.lostAcks) this.counter('berth.chaos.lost_acks_retried', res.lostAcks);
    if (res.ok || res.code !== 'LOST_ACK') this.events.emit('histogram', metric.ack(event), res.ms);
    const code = res.ok ? 'OK' : res.code;
    this.counter(metric.code(event, code));
    if (!res.ok && code !== 'LOAD_OVER') this.journal.refused(Date.now(), code);
    if (code === 'CONTRACT' || code === 'INTERNAL' || code === 'LOST_ACK')
      this.journal.problem(code, event, res.ok ? '' : res.message);
    return res;
  }

  /** GET over HTTP, checked against the contract like an ack; null on any failure. */
  async get<T extends z.ZodType>(name: string, path: string, data: T): Promise<z.infer<T> | null> {
    const started = performance.now();
    let raw: unknown;
    try {
      const res = await fetch(`${this.plan.httpTarget}${path}`, {
        signal: AbortSignal.timeout(this.plan.ackTimeoutMs),
      });
      raw = await res.json();
    } catch (err) {
      this.counter(metric.code(`http_${name}`, 'LOST_ACK'));
      this.journal.problem('LOST_ACK', `GET ${path}`, String(err));
      return null;
    }
    this.events.emit('histogram', metric.http(name), performance.now() - started);
    const parsed = ackSchema(data).safeParse(raw);
    if (!parsed.success) {
      this.counter(metric.code(`http_${name}`, 'CONTRACT'));
      this.journal.problem('CONTRACT', `GET ${path}`, describe(parsed.error, raw));
      return null;
    }
    const body = parsed.data as
      { ok: true; data: z.infer<T> } | { ok: false; error: { code: string } };
    this.counter(metric.code(`http_${name}`, body.ok ? 'OK' : body.error.code));
    if (!body.ok && body.error.code === 'INTERNAL')
      this.journal.problem('INTERNAL', `GET ${path}`, '');
    return body.ok ? body.data : null;
  }

  key(kind: string): string {
    return `lt-${this.plan.seed}-${this.index}-${kind}-${++this.keys}`;
  }

  async watch(target: WatchTarget): Promise<WatchedMap | null> {
    // Deltas can beat the snapshot's ack (see WatchedMap.latest): keep them for the map.
    const early: SeatDelta[] = [];
    this.early.set(target.runId, early);
    const res = await this.command('run:watch', target).finally(() =>
      this.early.delete(target.runId),
    );
    if (!res.ok) return null;
    const map = new WatchedMap(res.data, target, early);
    this.maps.set(target.runId, map);
    return map;
  }

  /** One hold attempt; the booking on success, else the code it was refused with. */
  async hold(map: WatchedMap, seatIds: number[]): Promise<BookingView | string> {
    if (!this.journal.loadRunning()) return 'LOAD_OVER';
    const sentAt = Date.now();
    this.journal.holdSent(sentAt);
    const res = await this.command('hold:create', {
      runId: map.runId,
      from: map.from,
      to: map.to,
      seatIds,
      passengers: seatIds.map((_, i) => ({ name: `Load ${this.index}.${i + 1}`, age: 20 + i })),
      idempotencyKey: this.key('hold'),
    });
    const answeredAt = Date.now();
    if (res.ok || res.code !== 'LOST_ACK') this.journal.holdAnswered(answeredAt, res.ok, res.ms);
    if (!res.ok) return res.code;
    map.claim(seatIds);
    this.journal.write({
      t: 'hold',
      vu: this.index,
      persona: this.persona,
      bookingId: res.data.id,
      runId: map.runId,
      seatIds,
      fromSeq: res.data.from.seq,
      toSeq: res.data.to.seq,
      ackAt: answeredAt,
    });
    return res.data;
  }

  /** Pays, with a fresh key after each decline, up to `attempts` times. */
  async pay(booking: BookingView, attempts: number): Promise<'confirmed' | 'declined' | 'failed'> {
    for (let i = 0; i < attempts; i++) {
      if (i > 0 && !this.journal.loadRunning()) return 'declined';
      const res = await this.command('booking:pay', {
        bookingId: booking.id,
        idempotencyKey: this.key('pay'),
      });
      if (res.ok && res.data.status === 'confirmed') {
        this.journal.write({
          t: 'confirmed',
          vu: this.index,
          bookingId: booking.id,
          pnr: booking.pnr,
        });
        return 'confirmed';
      }
      if (res.ok || res.code !== 'PAYMENT_DECLINED') return 'failed';
    }
    return 'declined';
  }

  async release(booking: BookingView): Promise<boolean> {
    return this.end(booking, 'released', () =>
      this.command('hold:release', { bookingId: booking.id }),
    );
  }

  async cancel(booking: BookingView): Promise<boolean> {
    return this.end(booking, 'cancelled', () =>
      this.command('booking:cancel', { bookingId: booking.id, idempotencyKey: this.key('cancel') }),
    );
  }

  private async end(
    booking: BookingView,
    how: 'released' | 'cancelled',
    run: () => Promise<Outcome<BookingView>>,
  ): Promise<boolean> {
    const sentAt = Date.now();
    const res = await run();
    // Unanswered, it may have happened: count the seats as let go from the moment it was sent,
    // which can only hide a double sale's overlap, never invent one.
    if (res.ok || res.code === 'LOST_ACK')
      this.journal.write({ t: 'end', bookingId: booking.id, how, sentAt, acked: res.ok });
    if (res.ok) this.maps.get(booking.runId)?.disown(booking.seats.map((s) => s.seatId));
    return res.ok;
  }

  /**
   * After the load: waits for the runner's drained signal (every command answered, the outbox
   * empty), then until no batch has arrived for a moment, and writes each map to the journal
   * for the runner to compare with a fresh snapshot.
   */
  async reportMaps(): Promise<void> {
    const deadline = this.journal.at(this.plan.timeline.loadEndMs + this.plan.timeline.drainWaitMs);
    while (!this.journal.drained() && Date.now() < deadline) await sleep(200);
    const drained = this.journal.drained();
    const seen = Date.now();
    for (;;) {
      const now = Date.now();
      const quiet = now - this.lastBatchAt >= QUIET_MS && now - seen >= SETTLE_MIN_MS;
      if (quiet || now - seen >= SETTLE_MAX_MS) break;
      await sleep(100);
    }
    for (const map of this.maps.values()) {
      this.journal.write({
        t: 'map',
        vu: this.index,
        persona: this.persona,
        runId: map.runId,
        from: map.from,
        to: map.to,
        seats: map.rows(),
        digestBehind: map.digestBehind,
        resyncs: map.resyncs,
        drained,
      });
    }
    this.journal.flushRates();
  }
}
