import { newIdempotencyKey } from '../api/idempotency.ts';
import type { Ack, BookingUpdated, BookingView } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import type { Connection } from '../realtime/connection.svelte.ts';
import { groupBookings } from './booking-groups.ts';
import { clockOffsetMs } from './clock.ts';
import type { Session } from './session.svelte.ts';

/** How often trips are re-sorted into upcoming and past: a journey ends, a hold lapses. */
const REGROUP_MS = 15_000;

/**
 * The signed-in user's bookings, kept current by the user's own pushes. A push only says which
 * booking changed, so the booking is fetched again: the list never shows a state the server has
 * not committed. After a reconnect the whole list is fetched, since pushes may have been missed.
 */
export class MyBookings {
  #items = $state<BookingView[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  /** Booking ids with a command in flight, so their buttons can say so and not double-send. */
  #busy = $state<number[]>([]);
  /** The server's clock minus ours, measured on every answer (views carry `serverNow`). */
  #offset = 0;
  #now = $state(Date.now());
  readonly #groups = $derived(groupBookings(this.#items, this.#now + this.#offset));
  #stops: (() => void)[] = [];
  /** Latest fetch per PNR: an older answer that arrives late must not overwrite a newer one. */
  readonly #asked = new Map<string, number>();

  constructor(
    private readonly session: Session,
    private readonly live: Connection,
  ) {}

  get items(): BookingView[] {
    return this.#items;
  }
  /** Trips still ahead: tickets and live holds whose journey has not ended, soonest first. */
  get upcoming(): BookingView[] {
    return this.#groups.upcoming;
  }
  /** Released, lapsed, cancelled and travelled bookings, newest first. */
  get past(): BookingView[] {
    return this.#groups.past;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  /** Why the list could not be loaded, in words. */
  get error(): string | null {
    return this.#error;
  }
  isBusy(bookingId: number): boolean {
    return this.#busy.includes(bookingId);
  }

  /** Loads the list and follows pushes until the returned function is called. */
  start(): () => void {
    // Every status change, expiry included, comes as booking:updated (an expiry also sends
    // hold:expired, which would only load the same booking twice).
    const onUpdated = (p: BookingUpdated) => void this.refreshOne(p.pnr);
    this.live.socket.on('booking:updated', onUpdated);
    const tick = setInterval(() => (this.#now = Date.now()), REGROUP_MS);
    this.#stops = [
      () => this.live.socket.off('booking:updated', onUpdated),
      this.live.onReconnect(() => void this.load()),
      () => clearInterval(tick),
    ];
    void this.load();
    return () => {
      for (const stop of this.#stops) stop();
      this.#stops = [];
    };
  }

  async load(): Promise<void> {
    const ack = await this.session.api('myBookings');
    if (ack.ok) {
      this.#items = newestFirst(ack.data);
      if (ack.data[0]) this.#measure(ack.data[0]);
      this.#error = null;
    } else {
      this.#error = describeError(ack.error);
    }
    this.#loaded = true;
  }

  /** Fetches one booking again and puts it in place (or on top, when it is new). */
  async refreshOne(pnr: string): Promise<void> {
    const n = (this.#asked.get(pnr) ?? 0) + 1;
    this.#asked.set(pnr, n);
    const ack = await this.session.api('booking', { params: { pnr } });
    if (ack.ok && this.#asked.get(pnr) === n) this.#put(ack.data);
  }

  /** Cancels a paid booking; the refund follows and arrives as pushes. */
  cancel(b: BookingView): Promise<Ack<BookingView>> {
    return this.#command(b.id, () =>
      this.live.ask('booking:cancel', {
        bookingId: b.id,
        idempotencyKey: newIdempotencyKey('cancel'),
      }),
    );
  }

  /** Lets go of an unpaid hold. */
  release(b: BookingView): Promise<Ack<BookingView>> {
    return this.#command(b.id, () => this.live.ask('hold:release', { bookingId: b.id }));
  }

  async #command(id: number, send: () => Promise<Ack<BookingView>>): Promise<Ack<BookingView>> {
    this.#busy = [...this.#busy, id];
    try {
      const ack = await send();
      if (ack.ok) {
        // Fetches started before this answer are older than it: let them fall on the floor.
        this.#asked.set(ack.data.pnr, (this.#asked.get(ack.data.pnr) ?? 0) + 1);
        this.#put(ack.data);
      }
      return ack;
    } finally {
      this.#busy = this.#busy.filter((x) => x !== id);
    }
  }

  #measure(view: BookingView) {
    this.#offset = clockOffsetMs(view.serverNow, Date.now());
    this.#now = Date.now();
  }

  #put(view: BookingView) {
    this.#measure(view);
    const at = this.#items.findIndex((b) => b.id === view.id);
    if (at === -1) this.#items = [view, ...this.#items];
    else this.#items[at] = view;
  }
}

function newestFirst(list: BookingView[]): BookingView[] {
  return [...list].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
