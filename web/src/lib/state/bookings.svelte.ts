import { newIdempotencyKey } from '../api/idempotency.ts';
import type { Ack, BookingUpdated, BookingView } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import type { Connection } from '../realtime/connection.svelte.ts';
import type { Session } from './session.svelte.ts';

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
    this.#stops = [
      () => this.live.socket.off('booking:updated', onUpdated),
      this.live.onReconnect(() => void this.load()),
    ];
    void this.load();
    return () => {
      for (const stop of this.#stops) stop();
      this.#stops = [];
    };
  }

  async load(): Promise<void> {
    const ack = await this.session.api<BookingView[]>('GET', '/api/bookings');
    if (ack.ok) {
      this.#items = newestFirst(ack.data);
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
    const path = `/api/bookings/${encodeURIComponent(pnr)}`;
    const ack = await this.session.api<BookingView>('GET', path);
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

  #put(view: BookingView) {
    const at = this.#items.findIndex((b) => b.id === view.id);
    if (at === -1) this.#items = [view, ...this.#items];
    else this.#items[at] = view;
  }
}

function newestFirst(list: BookingView[]): BookingView[] {
  return [...list].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
