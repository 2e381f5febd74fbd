import { newIdempotencyKey } from '../api/idempotency.ts';
import {
  MAX_SEATS_PER_BOOKING,
  canHold,
  RETRY_WITH_SAME_KEY,
  type AckError,
  type BookingUpdated,
  type BookingView,
  type SeatMapSeat,
} from '@berth/shared';
import type { Connection } from '../realtime/connection.svelte.ts';
import type { RunWatch } from '../realtime/run-watch.svelte.ts';
import { knownBooking, rememberBooking } from './known-bookings.ts';
import { overlappingPnr, refusalWords } from './refusal.ts';
import {
  blankPassenger,
  passengerProblem,
  toPassenger,
  type PassengerDraft,
} from './passenger-draft.ts';
import type { Session } from './session.svelte.ts';

/** How often one seat may be announced as "being selected" (the server also throttles). */
const SELECT_EVERY_MS = 1000;

/**
 * The seats a passenger is picking on one run's map (up to six of one class), the passenger for
 * each, and the hold that turns them into a booking. A pick that someone else takes meanwhile
 * drops out by itself, so the hold button never offers a seat that is gone.
 */
export class HoldPicker {
  #pickedIds = $state<number[]>([]);
  #passengers = $state<Record<number, PassengerDraft>>({});
  #failure = $state.raw<AckError | null>(null);
  #notice = $state<string | null>(null);
  #busy = $state(false);
  /** One key per hold attempt: a retry of the same attempt (lost ack) is answered once. */
  #key: string | null = null;
  readonly #lastSelect = new Map<number, number>();

  /**
   * `storage` keeps the pick (seat ids only) per run and segment for this tab, so a passenger
   * who is sent to sign in comes back to the seats they chose.
   */
  constructor(
    private readonly conn: Connection,
    private readonly watch: RunWatch,
    private readonly storage: Storage | null = globalThis.sessionStorage ?? null,
  ) {
    this.#pickedIds = this.#recall();
    for (const id of this.#pickedIds) this.#passengers[id] = blankPassenger();
  }

  get #storageKey(): string {
    return `berth.pick.${this.watch.runId}.${this.watch.from}.${this.watch.to}`;
  }

  get #picked(): number[] {
    return this.#pickedIds;
  }

  set #picked(ids: number[]) {
    this.#pickedIds = ids;
    if (ids.length > 0) this.storage?.setItem(this.#storageKey, JSON.stringify(ids));
    else this.storage?.removeItem(this.#storageKey);
  }

  #recall(): number[] {
    try {
      const ids: unknown = JSON.parse(this.storage?.getItem(this.#storageKey) ?? '[]');
      return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
    } catch {
      return [];
    }
  }

  /** Picked seats still free on the map, in the order they were picked. */
  get seats(): SeatMapSeat[] {
    return this.#picked
      .map((id) => this.watch.map.seat(id))
      .filter((s): s is SeatMapSeat => s !== undefined && s.state === 'free');
  }
  get count(): number {
    return this.seats.length;
  }
  get full(): boolean {
    return this.count >= MAX_SEATS_PER_BOOKING;
  }
  get classCode(): string | null {
    return this.seats[0]?.classCode ?? null;
  }
  /** Why the last hold failed, in plain words (see refusalWords). */
  get error(): string | null {
    return refusalWords(this.#failure, this.conn);
  }
  get overlappingPnr(): string | null {
    return overlappingPnr(this.#failure);
  }
  /** The hold was refused because people wait for the class: places must be requested. */
  get queueOpen(): boolean {
    return this.#failure?.code === 'WAITLIST_OPEN';
  }
  /** The server did not take the hold (too busy, or its database unreachable): it is sent again. */
  get retrying(): boolean {
    return this.#busy && this.conn.retrying;
  }

  /** Whether a hold can be sent now (the connection has not been lost). */
  get online(): boolean {
    return !this.conn.lost;
  }
  /** A calm explanation (e.g. a picked seat was taken by someone else). */
  get notice(): string | null {
    return this.#notice;
  }
  get busy(): boolean {
    return this.#busy;
  }

  isPicked(seatId: number): boolean {
    return this.#picked.includes(seatId) && this.watch.map.seat(seatId)?.state === 'free';
  }

  /** Picks someone else took meanwhile: shown once so the passenger knows why they vanished. */
  get lost(): SeatMapSeat[] {
    return this.#picked
      .map((id) => this.watch.map.seat(id))
      .filter((s): s is SeatMapSeat => s !== undefined && s.state !== 'free');
  }

  /** The details typed for a picked seat (created when the seat is picked, so inputs can bind). */
  passenger(seatId: number): PassengerDraft {
    return this.#passengers[seatId] ?? blankPassenger();
  }
  setPassenger(seatId: number, draft: PassengerDraft): void {
    this.#passengers[seatId] = draft;
  }

  /** Picks or unpicks a free seat; false (with a reason) when it cannot be picked. */
  toggle(seat: SeatMapSeat, defaultName = ''): boolean {
    this.#failure = null;
    this.#notice = null;
    this.#key = null;
    this.#prune();
    if (this.#picked.includes(seat.seatId)) {
      this.#picked = this.#picked.filter((id) => id !== seat.seatId);
      return true;
    }
    if (!canHold(seat)) return false;
    if (this.classCode && this.classCode !== seat.classCode) {
      // One booking is one class: starting in another class starts a new pick.
      this.#picked = [];
      this.#notice =
        'Seats of one booking are all in one class, so your earlier picks were cleared.';
    }
    if (this.full) {
      this.#notice = `You can hold up to ${MAX_SEATS_PER_BOOKING} seats in one booking.`;
      return false;
    }
    this.#picked = [...this.#picked, seat.seatId];
    this.#passengers[seat.seatId] ??= blankPassenger(this.#picked.length === 1 ? defaultName : '');
    return true;
  }

  clear(): void {
    this.#picked = [];
    this.#key = null;
  }

  /** Tells the run's other watchers this viewer is looking at a free seat, at most 1/s a seat. */
  announce(seat: SeatMapSeat, signedIn: boolean, now = Date.now()): void {
    if (!signedIn || !canHold(seat)) return;
    const last = this.#lastSelect.get(seat.seatId) ?? 0;
    if (now - last < SELECT_EVERY_MS) return;
    this.#lastSelect.set(seat.seatId, now);
    this.watch.select(seat.seatId);
  }

  /** Problems with the passenger details, by seat id; empty when the hold can be sent. */
  validate(): Record<number, string> {
    const problems: Record<number, string> = {};
    for (const seat of this.seats) {
      const problem = passengerProblem(this.passenger(seat.seatId));
      if (problem) problems[seat.seatId] = problem;
    }
    return problems;
  }

  /** Sends `hold:create`; on success the seats are shown as the viewer's and the view returned. */
  async hold(from: string, to: string): Promise<BookingView | null> {
    const seats = this.seats;
    if (seats.length === 0 || this.#busy) return null;
    this.#busy = true;
    this.#failure = null;
    this.#notice = null;
    this.#key ??= newIdempotencyKey('hold');
    const seatIds = seats.map((s) => s.seatId);
    const ack = await this.conn.ask('hold:create', {
      runId: this.watch.runId,
      from,
      to,
      seatIds,
      passengers: seatIds.map((id) => toPassenger(this.passenger(id))),
      idempotencyKey: this.#key,
    });
    this.#busy = false;
    if (ack.ok) {
      rememberBooking(ack.data);
      this.watch.map.claim(seatIds);
      this.#picked = [];
      this.#key = null;
      return ack.data;
    }
    // A definite refusal ends this attempt; a lost answer keeps the key so a retry is the same hold.
    if (!RETRY_WITH_SAME_KEY.includes(ack.error.code)) this.#key = null;
    if (ack.error.code === 'SEAT_TAKEN') {
      const taken = ack.error.details?.seatIds;
      const gone = Array.isArray(taken) ? (taken as number[]) : [];
      this.#picked = this.#picked.filter(
        (id) => !gone.includes(id) && this.watch.map.seat(id)?.state === 'free',
      );
    }
    this.#failure = ack.error;
    return null;
  }

  /** Forgets picks that are no longer free (someone else took them). */
  #prune() {
    this.#picked = this.#picked.filter((id) => this.watch.map.seat(id)?.state === 'free');
  }
}

/**
 * Shows the viewer's own bookings on this run as "yours" in every tab. A delta only says a seat
 * is held; whose hold it is comes from the user's own `booking:updated` push, so the booking is
 * fetched and its seats claimed. Returns the unsubscribe.
 */
export function followOwnBookings(session: Session, conn: Connection, watch: RunWatch): () => void {
  const onUpdated = async (p: BookingUpdated) => {
    // A booking this tab knows (it made the hold) is not read again: its seats are known.
    const known = knownBooking(p.pnr);
    let view = known;
    if (!known) {
      const ack = await session.api('booking', { params: { pnr: p.pnr } });
      if (!ack.ok) return;
      view = ack.data;
      rememberBooking(view);
    }
    if (!view || view.runId !== watch.runId) return;
    if (['held', 'paying', 'confirmed', 'rac'].includes(p.status ?? view.status)) {
      watch.map.claim(view.seats.map((s) => s.seatId));
    }
  };
  const handler = (p: BookingUpdated) => void onUpdated(p);
  conn.socket.on('booking:updated', handler);
  return () => conn.socket.off('booking:updated', handler);
}
