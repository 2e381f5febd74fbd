import type { BookingStatus, SeatDelta } from '@berth/shared';
import { SqlTx, type Em } from '../../common/sql.ts';
import type { Actor } from '../audit/transition-writer.ts';

/** The booking a transition happened to, as its events name it. */
export interface BookingRef {
  id: number;
  pnr: string;
  userId: number;
}

/**
 * Everything that happens inside a booking transaction, typed. A transition raises its event
 * where it happens; handlers (`event-handlers.ts`) turn events into the audit rows and pushes
 * they want, and one flush at the end of the transaction writes them all in a single statement,
 * in the same transaction as the change (invariant 2). Handlers compute, they never take locks.
 */
export type DomainEvent =
  /** Seats' versions were bumped: their new occupancy, for every watcher of the run. */
  | { type: 'seats.changed'; runId: number; seats: SeatDelta[] }
  /**
   * Seats of one run and class became free (a release, a cancellation, an expiry). Carries the
   * run and class, so promotion from a waitlist can hang on it.
   */
  | { type: 'seats.freed'; runId: number; classCode: string; seatIds: number[] }
  | { type: 'booking.held'; actor: Actor; booking: BookingRef }
  | { type: 'booking.released'; actor: Actor; booking: BookingRef }
  | { type: 'booking.expired'; booking: BookingRef; was: BookingStatus }
  | { type: 'booking.paying'; actor: Actor; booking: BookingRef }
  /** Paid: confirmed on a berth, or into RAC or the waitlist, as the place asked. */
  | {
      type: 'booking.confirmed';
      actor: Actor;
      booking: BookingRef;
      status: 'confirmed' | 'rac' | 'waitlisted';
    }
  /** Moved up by promotion (waitlisted to RAC or confirmed, RAC to confirmed). */
  | {
      type: 'booking.promoted';
      booking: BookingRef;
      from: 'rac' | 'waitlisted';
      to: 'rac' | 'confirmed';
    }
  | { type: 'payment.declined'; actor: Actor; booking: BookingRef }
  /**
   * The RAC or waitlist of (run, class) changed: its counts moved, with or without seats.
   * `movedUp` are the bookings still waiting whose numbers went down (someone ahead left):
   * each is told to read itself again.
   */
  | {
      type: 'queue.changed';
      runId: number;
      classCode: string;
      movedUp: (BookingRef & { status: 'rac' | 'waitlisted' })[];
    }
  /** Cancelled by its owner, or waitlisted still when its chart was prepared (`charting`). */
  | {
      type: 'booking.cancelled';
      actor: Actor;
      booking: BookingRef;
      was: BookingStatus;
      reason: 'cancellation' | 'charting';
    }
  /** A refund was recorded and is on its way to the gateway. */
  | {
      type: 'refund.started';
      actor: Actor;
      booking: BookingRef;
      /** The booking's status the push repeats (a late charge's booking is already over). */
      status: BookingStatus;
      reason: 'cancellation' | 'late_charge';
    }
  | { type: 'refund.succeeded'; booking: BookingRef }
  /** A hold's last minute began. */
  | { type: 'hold.expiring'; booking: BookingRef; expiresAt: string; serverNow: string }
  /** A sign-in (refresh-token family) was revoked: every node must refuse it from now on. */
  | {
      type: 'session.revoked';
      actor: Actor;
      userId: number;
      familyId: string;
      reason: 'reuse' | 'logout' | 'sign-out-everywhere';
    };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

const raised = new WeakMap<SqlTx, DomainEvent[]>();

/** Raises an event inside the transaction `em`; it takes effect if and when that commits. */
export function raise(em: Em, event: DomainEvent): void {
  if (!(em instanceof SqlTx)) throw new Error(`${event.type} raised outside a transaction`);
  const list = raised.get(em);
  if (list) list.push(event);
  else raised.set(em, [event]);
}

/** The events raised in `tx` so far, left in place (for reactions, before the flush). */
export function peekRaised(tx: SqlTx): readonly DomainEvent[] {
  return [...(raised.get(tx) ?? [])];
}

/** The events raised in `tx` so far, forgotten once taken (the flush takes them). */
export function takeRaised(tx: SqlTx): DomainEvent[] {
  const list = raised.get(tx) ?? [];
  raised.delete(tx);
  return list;
}
