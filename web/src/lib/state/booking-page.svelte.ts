import {
  RETRY_WITH_SAME_KEY,
  type AckError,
  type BookingUpdated,
  type BookingView,
  type HoldExpired,
  type HoldExpiring,
} from '@berth/shared';
import { describeError } from '../format/errors.ts';
import { isOfflineAnswer, type Connection } from '../realtime/connection.svelte.ts';
import { clockOffsetMs, isExpiryWarningDue, remainingMs } from './clock.ts';
import { newIdempotencyKey } from '../api/idempotency.ts';
import { isNews, knownBooking, rememberBooking } from './known-bookings.ts';
import type { Session } from './session.svelte.ts';

/** How often the countdown redraws: often enough that the seconds never look stuck. */
const TICK_MS = 250;

/**
 * One booking as its owner follows it: loaded over HTTP, refreshed on the user's pushes
 * (`booking:updated`, `hold:expired`), with a countdown on the server's clock and the pay,
 * release and cancel commands. A pay or cancel keeps its idempotency key until the outcome is
 * definite, so a retry after a lost answer cannot charge or refund twice; a declined payment
 * ends that attempt, and the next try gets a new key.
 */
export class BookingPage {
  #view = $state<BookingView | null>(null);
  #offset = 0;
  #now = $state(Date.now());
  #loadError = $state<string | null>(null);
  #failure = $state.raw<AckError | null>(null);
  #busy = $state<'pay' | 'release' | 'cancel' | null>(null);
  #warned = $state(false);
  #waitingForBank = $state(false);
  #expiredPush = $state(false);
  #payKey: string | null = null;
  #cancelKey: string | null = null;
  #asked = 0;

  constructor(
    private readonly session: Session,
    private readonly live: Connection,
    readonly pnr: string,
  ) {}

  get view(): BookingView | null {
    return this.#view;
  }
  get loadError(): string | null {
    return this.#loadError;
  }
  /**
   * The last command's failure, in plain words. "You are offline" goes by itself once the
   * connection is back: it was about then, not now.
   */
  get error(): string | null {
    const f = this.#failure;
    if (!f || (isOfflineAnswer(f) && !this.live.lost)) return null;
    return describeError(f);
  }
  /** Whether commands can be sent now (the connection has not been lost). */
  /** The server did not take the command under way (too busy, or no database): it is sent again. */
  get retrying(): boolean {
    return this.busy !== null && this.live.retrying;
  }

  get online(): boolean {
    return !this.live.lost;
  }
  get busy(): 'pay' | 'release' | 'cancel' | null {
    return this.#busy;
  }
  /** Time left on the hold, on the server's clock. */
  get remainingMs(): number {
    return this.#view ? remainingMs(this.#view.expiresAt, this.#offset, this.#now) : 0;
  }
  get isHeld(): boolean {
    return this.#view?.status === 'held' || this.#view?.status === 'paying';
  }
  /** The hold has run out: by the server's word, by a push, or by the clock. */
  get expired(): boolean {
    const v = this.#view;
    if (!v) return false;
    if (v.status === 'expired') return true;
    return v.status === 'held' && (this.#expiredPush || this.remainingMs === 0);
  }
  get warning(): boolean {
    return (
      this.#view?.status === 'held' &&
      !this.expired &&
      (this.#warned || isExpiryWarningDue(this.remainingMs))
    );
  }
  /** A payment is with the bank and its answer has not come back. */
  get waitingForBank(): boolean {
    return this.#view?.status === 'paying' || this.#waitingForBank;
  }

  /** Loads the booking and follows it until the returned function is called. */
  start(): () => void {
    const socket = this.live.socket;
    // Read the booking again only for news: not for the push of a change this page made itself
    // (its command's answer carries the booking), nor one that repeats what the page shows.
    const onUpdated = (p: BookingUpdated) => {
      if (p.pnr === this.pnr && !this.#busy && isNews(p, this.#view ?? undefined)) void this.load();
    };
    const onExpiring = (p: HoldExpiring) => {
      if (p.pnr !== this.pnr || !this.#view) return;
      this.#warned = true;
      this.#offset = clockOffsetMs(p.serverNow, Date.now());
      this.#view = { ...this.#view, expiresAt: p.expiresAt };
    };
    // The booking itself reloads on the booking:updated that comes with every expiry.
    const onExpired = (p: HoldExpired) => {
      if (p.pnr === this.pnr) this.#expiredPush = true;
    };
    socket.on('booking:updated', onUpdated);
    socket.on('hold:expiring', onExpiring);
    socket.on('hold:expired', onExpired);
    const offReconnect = this.live.onReconnect(() => void this.load());
    const timer = setInterval(() => (this.#now = Date.now()), TICK_MS);
    // A booking this tab was just told about (the hold's answer) needs no read to be shown.
    const known = knownBooking(this.pnr);
    if (known) this.#adopt(known);
    else void this.load();
    return () => {
      clearInterval(timer);
      offReconnect();
      socket.off('booking:updated', onUpdated);
      socket.off('hold:expiring', onExpiring);
      socket.off('hold:expired', onExpired);
    };
  }

  async load(): Promise<void> {
    const asked = ++this.#asked;
    const ack = await this.session.api('booking', { params: { pnr: this.pnr } });
    // An older answer that arrives after a newer one must not win.
    if (asked !== this.#asked) return;
    if (ack.ok) this.#adopt(ack.data);
    else if (!this.#view) this.#loadError = describeError(ack.error);
  }

  async pay(): Promise<void> {
    const v = this.#view;
    if (!v || this.#busy) return;
    this.#busy = 'pay';
    this.#failure = null;
    this.#payKey ??= newIdempotencyKey('pay');
    const ack = await this.live.ask('booking:pay', {
      bookingId: v.id,
      idempotencyKey: this.#payKey,
    });
    this.#busy = null;
    if (ack.ok) {
      this.#payKey = null;
      this.#waitingForBank = false;
      this.#adopt(ack.data);
      return;
    }
    if (ack.error.code === 'PAYMENT_PENDING') {
      // The bank has not answered: booking:updated will bring the outcome.
      this.#waitingForBank = true;
      return;
    }
    if (!RETRY_WITH_SAME_KEY.includes(ack.error.code)) this.#payKey = null;
    this.#failure = ack.error;
    void this.load();
  }

  async release(): Promise<void> {
    const v = this.#view;
    if (!v || this.#busy) return;
    this.#busy = 'release';
    this.#failure = null;
    const ack = await this.live.ask('hold:release', { bookingId: v.id });
    this.#busy = null;
    if (ack.ok) this.#adopt(ack.data);
    else {
      this.#failure = ack.error;
      void this.load();
    }
  }

  async cancel(): Promise<void> {
    const v = this.#view;
    if (!v || this.#busy) return;
    this.#busy = 'cancel';
    this.#failure = null;
    this.#cancelKey ??= newIdempotencyKey('cancel');
    const ack = await this.live.ask('booking:cancel', {
      bookingId: v.id,
      idempotencyKey: this.#cancelKey,
    });
    this.#busy = null;
    if (ack.ok) {
      this.#cancelKey = null;
      this.#adopt(ack.data);
    } else {
      if (!RETRY_WITH_SAME_KEY.includes(ack.error.code)) this.#cancelKey = null;
      this.#failure = ack.error;
      void this.load();
    }
  }

  #adopt(view: BookingView) {
    rememberBooking(view);
    this.#offset = clockOffsetMs(view.serverNow, Date.now());
    this.#view = view;
    this.#loadError = null;
    if (view.status !== 'paying') this.#waitingForBank = false;
    if (view.status !== 'held') this.#expiredPush = false;
  }
}
