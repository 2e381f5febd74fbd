import { releaseRequestSchema, type BookingView } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { bookingUpdated } from '../audit/outbox-push.ts';
import { recordTransitions, type Actor } from '../audit/transition-writer.ts';
import { loadBookingView, publicView } from './booking-view.ts';
import { assertOwner, bookings, type LockedBooking } from './bookings.repository.ts';
import { bumpSeats, seatsChanged } from './seat-changes.ts';

export const RELEASE_ACTION = 'RELEASE';

/** The user lets go of an unpaid hold. Releasing a released booking is a no-op. */
export async function releaseHold(
  ctx: EngineContext,
  actor: Actor,
  input: unknown,
): Promise<BookingView> {
  const { bookingId } = parse(releaseRequestSchema, input);
  await ctx.tx(async (em) => {
    const booking = assertOwner(await bookings.lockWithSeats(em, bookingId), actor);
    if (booking.status === 'released') return;
    await releaseLocked(em, actor, booking);
  });
  const view = await loadBookingView(ctx.em(), ctx.catalog, bookingId);
  return publicView(view!);
}

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
  const deltas = await bumpSeats(em, await bookings.freeSeats(em, booking.id));
  await recordTransitions(
    em,
    [
      {
        actor,
        action: RELEASE_ACTION,
        bookingId: booking.id,
        before: { status: 'held' },
        after: { status: 'released' },
      },
    ],
    [
      seatsChanged(booking.runId, deltas),
      bookingUpdated(booking.userId, {
        bookingId: booking.id,
        pnr: booking.pnr,
        status: 'released',
      }),
    ],
  );
}
