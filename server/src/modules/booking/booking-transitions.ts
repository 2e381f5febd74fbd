import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { raise } from '../events/domain-events.ts';
import { bookings, type LockedBooking } from './bookings.repository.ts';
import { bumpSeats } from './seat-changes.ts';

/**
 * Steps a locked booking can take that more than one command shares (a release is also how a
 * held booking is cancelled). Each takes a booking whose seats and row the caller has locked, in
 * the lock order, and raises its event.
 */

/** Releases a held booking whose seats and row the caller has locked. */
export async function releaseLocked(em: Em, actor: Actor, booking: LockedBooking): Promise<void> {
  if (booking.status === 'paying') {
    throw new DomainError('INVALID_STATE', 'A payment for this booking is in progress.');
  }
  if (booking.status === 'confirmed') {
    throw new DomainError('INVALID_STATE', 'This booking is paid: cancel it instead.');
  }
  if (booking.status !== 'held') {
    throw new DomainError('HOLD_EXPIRED', 'This hold has already ended.');
  }
  await bookings.setStatus(em, booking.id, 'released');
  await bumpSeats(em, await bookings.freeSeats(em, [booking.id]));
  raise(em, { type: 'booking.released', actor, booking });
}
