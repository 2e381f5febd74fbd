import { releaseRequestSchema, type BookingView } from '@berth/shared';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { loadBookingView, publicView } from './booking-view.ts';
import { releaseLocked } from './booking-transitions.ts';
import { assertOwner, bookings } from './bookings.repository.ts';

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
