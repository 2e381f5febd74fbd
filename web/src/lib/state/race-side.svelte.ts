import { newIdempotencyKey } from '../api/idempotency.ts';
import type { Ack, AckError, AuthTokens, BookingView, DemoInfo } from '@berth/shared';
import { callApi } from '../api/http.ts';
import { describeError } from '../format/errors.ts';
import { Connection } from '../realtime/connection.svelte.ts';
import { RunWatch } from '../realtime/run-watch.svelte.ts';

/** Renew a demo session this long before its access token runs out. */
const RENEW_EARLY_MS = 60_000;
/** After a failed renewal (offline, server restarting), try again this soon. */
const RETRY_RENEW_MS = 10_000;

export type SideOutcome =
  | {
      kind: 'won';
      seatId: number;
      seatLabel: string;
      ms: number;
      /** The seat's version this side had seen when the hold was acknowledged. */
      seenVersion: number;
    }
  | { kind: 'lost'; code: AckError['code']; reason: string; ms: number };

/**
 * One side of the race demo's split screen: a demo user (demo01, demo02, ...) with its own
 * session, its own socket and its own live view of the demo run, so the two holds really are
 * two users on two connections racing for one row lock.
 */
export class RaceSide {
  #tokens = $state.raw<AuthTokens | null>(null);
  #conn = $state.raw<Connection | null>(null);
  #watch = $state.raw<RunWatch | null>(null);
  #error = $state<string | null>(null);
  #busy = $state(false);
  #outcome = $state.raw<SideOutcome | null>(null);
  /** Bookings this side holds from earlier rounds; released before the next round. */
  #held: { bookingId: number; seatId: number }[] = [];
  #renewTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(
    /** Which demo user (1-based: 1 is demo01). */
    readonly contender: number,
    readonly info: DemoInfo,
  ) {}

  get name(): string {
    return this.#tokens?.user.name ?? `Racer ${String(this.contender).padStart(2, '0')}`;
  }
  get email(): string | null {
    return this.#tokens?.user.email ?? null;
  }
  get connection(): Connection | null {
    return this.#conn;
  }
  get watch(): RunWatch | null {
    return this.#watch;
  }
  get ready(): boolean {
    return this.#conn?.online === true && this.#watch?.map.ready === true;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get outcome(): SideOutcome | null {
    return this.#outcome;
  }
  /** Seats this side holds right now (from its own acks). */
  get heldSeatIds(): number[] {
    return this.#held.map((h) => h.seatId);
  }

  /** Signs in as the demo user and opens its socket and live view. */
  async start(): Promise<void> {
    if (!(await this.#signIn())) return;
    if (this.#closed) return;
    // The socket is made after sign-in, so its very first handshake carries the demo user.
    const conn = new Connection({ token: () => this.#tokens?.accessToken ?? null });
    this.#conn = conn;
    this.#watch = new RunWatch(conn, this.info.runId, this.info.from, this.info.to);
  }

  /** Lets go of this side's holds from earlier rounds, so the seat is free again. */
  async releaseAll(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const held = this.#held;
    this.#held = [];
    this.#watch?.map.disown(held.map((h) => h.seatId));
    // A hold may already be gone (a race run since clears demo holds): that is fine.
    await Promise.all(held.map((h) => conn.ask('hold:release', { bookingId: h.bookingId })));
  }

  /**
   * Sends this side's hold for `seatId` at once (the emit happens before this returns, so two
   * calls in a row leave in the same tick) and resolves when the server has answered.
   */
  fire(seatId: number): Promise<SideOutcome | null> {
    const conn = this.#conn;
    if (!conn) return Promise.resolve(null);
    this.#busy = true;
    this.#outcome = null;
    const started = performance.now();
    const pending = conn.ask('hold:create', {
      runId: this.info.runId,
      from: this.info.from,
      to: this.info.to,
      seatIds: [seatId],
      passengers: [{ name: this.name, age: 30 }],
      idempotencyKey: newIdempotencyKey('race-side'),
    });
    return pending.then((ack) =>
      this.#settle(ack, seatId, Math.round(performance.now() - started)),
    );
  }

  #settle(ack: Ack<BookingView>, seatId: number, ms: number): SideOutcome {
    this.#busy = false;
    if (ack.ok) {
      this.#held.push({ bookingId: ack.data.id, seatId });
      this.#watch?.map.claim([seatId]);
      const label = ack.data.seats[0]?.label ?? `seat ${seatId}`;
      const seenVersion = this.#watch?.map.seat(seatId)?.version ?? 0;
      this.#outcome = { kind: 'won', seatId, seatLabel: label, ms, seenVersion };
    } else {
      this.#outcome = { kind: 'lost', code: ack.error.code, reason: describeError(ack.error), ms };
    }
    return this.#outcome;
  }

  /**
   * The seat this side won is free again (a race started since clears every demo hold). The hold
   * itself may reach this side's map after the ack, so "free" alone is not enough: the seat must
   * have changed since the ack was seen.
   */
  get wonSeatReleased(): boolean {
    const o = this.#outcome;
    if (o?.kind !== 'won') return false;
    const seat = this.#watch?.map.seat(o.seatId);
    return seat?.state === 'free' && seat.version > o.seenVersion;
  }

  /** Forget the last round's verdict (a new round is about to start). */
  clearOutcome(): void {
    this.#outcome = null;
  }

  async #signIn(): Promise<boolean> {
    const ack = await callApi('demoSession', null, { body: { contender: this.contender } });
    if (this.#closed) return false;
    if (!ack.ok) {
      this.#error = describeError(ack.error);
      return false;
    }
    this.#error = null;
    this.#tokens = ack.data;
    this.#scheduleRenew();
    return true;
  }

  #scheduleRenew() {
    if (this.#renewTimer) clearTimeout(this.#renewTimer);
    if (!this.#tokens) return;
    const due = Date.parse(this.#tokens.accessExpiresAt) - RENEW_EARLY_MS - Date.now();
    this.#renewTimer = setTimeout(() => void this.#renew(), Math.max(5_000, due));
  }

  /**
   * Rotates the demo session's refresh token for a fresh access token and presents it on the open
   * socket (rooms and the watch stay). Only when the session is gone (revoked, expired) does the
   * side take a new one, so an afternoon at the demo page is one session, not one per quarter hour.
   */
  async #renew(): Promise<void> {
    const refreshToken = this.#tokens?.refreshToken;
    const ack = refreshToken ? await callApi('refresh', null, { body: { refreshToken } }) : null;
    if (this.#closed) return;
    if (ack?.ok) {
      this.#tokens = ack.data;
      this.#scheduleRenew();
    } else if (!(await this.#signIn())) {
      // Offline or the server is restarting: try again shortly rather than never.
      if (!this.#closed) this.#renewTimer = setTimeout(() => void this.#renew(), RETRY_RENEW_MS);
      return;
    }
    if (this.#tokens)
      await this.#conn?.ask('auth:renew', { accessToken: this.#tokens.accessToken });
  }

  /** Leaves the page: the socket closes and the demo session is signed out. */
  close(): void {
    this.#closed = true;
    if (this.#renewTimer) clearTimeout(this.#renewTimer);
    this.#watch?.close();
    this.#conn?.close();
    const refreshToken = this.#tokens?.refreshToken;
    if (refreshToken) void callApi('logout', null, { body: { refreshToken } });
  }
}
