import {
  MAX_SEATS_PER_BOOKING,
  RETRY_WITH_SAME_KEY,
  type AckError,
  type BookingView,
} from '@berth/shared';
import { newIdempotencyKey } from '../api/idempotency.ts';
import type { Connection } from '../realtime/connection.svelte.ts';
import { rememberBooking } from './known-bookings.ts';
import { overlappingPnr, refusalWords } from './refusal.ts';
import {
  blankPassenger,
  passengerProblem,
  toPassenger,
  type PassengerDraft,
} from './passenger-draft.ts';

/**
 * A party asking for places in a class without picking seats (`booking:request`): the server
 * gives whole berths if the class has them free for the journey, else RAC halves, else waitlist
 * places. The answer is a held place, paid on the booking page like any hold.
 */
export class PlaceRequester {
  #party = $state<PassengerDraft[]>([]);
  #failure = $state.raw<AckError | null>(null);
  #busy = $state(false);
  /** One key per attempt: a retry after a lost answer is the same request, answered once. */
  #key: string | null = null;

  constructor(
    private readonly conn: Connection,
    readonly runId: number,
    readonly from: string,
    readonly to: string,
    firstName = '',
  ) {
    this.#party = [blankPassenger(firstName)];
  }

  get party(): PassengerDraft[] {
    return this.#party;
  }
  get full(): boolean {
    return this.#party.length >= MAX_SEATS_PER_BOOKING;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get online(): boolean {
    return !this.conn.lost;
  }
  get retrying(): boolean {
    return this.#busy && this.conn.retrying;
  }
  /** Why the last request failed, in plain words (see refusalWords). */
  get error(): string | null {
    return refusalWords(this.#failure, this.conn);
  }
  get overlappingPnr(): string | null {
    return overlappingPnr(this.#failure);
  }

  add(): void {
    if (this.full) return;
    this.#party = [...this.#party, blankPassenger()];
    this.#key = null;
  }
  remove(index: number): void {
    if (this.#party.length <= 1) return;
    this.#party = this.#party.filter((_, i) => i !== index);
    this.#key = null;
  }

  /** Problems with the party, by passenger index; empty when the request can be sent. */
  validate(): Record<number, string> {
    const problems: Record<number, string> = {};
    this.#party.forEach((p, i) => {
      const problem = passengerProblem(p);
      if (problem) problems[i] = problem;
    });
    return problems;
  }

  /** Sends `booking:request` for the class; the held place on success. */
  async request(classCode: string): Promise<BookingView | null> {
    if (this.#busy) return null;
    this.#busy = true;
    this.#failure = null;
    this.#key ??= newIdempotencyKey('request');
    const ack = await this.conn.ask('booking:request', {
      runId: this.runId,
      from: this.from,
      to: this.to,
      classCode,
      passengers: this.#party.map(toPassenger),
      idempotencyKey: this.#key,
    });
    this.#busy = false;
    if (ack.ok) {
      rememberBooking(ack.data);
      this.#key = null;
      return ack.data;
    }
    if (!RETRY_WITH_SAME_KEY.includes(ack.error.code)) this.#key = null;
    this.#failure = ack.error;
    return null;
  }
}
