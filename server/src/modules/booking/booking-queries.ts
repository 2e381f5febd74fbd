import { pnrSchema, type BookingView, type PnrStatus } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { loadBookingViews, publicView } from './booking-view.ts';

/** The user's bookings, newest first. */
export async function myBookings(
  ctx: EngineContext,
  actor: Actor & { userId: number },
): Promise<BookingView[]> {
  const views = await loadBookingViews(ctx.em(), ctx.catalog, { user: actor.userId }, 200);
  return views.map(publicView);
}

/** A booking by PNR, for its owner or an admin; anyone else learns only NOT_FOUND. */
export async function bookingByPnr(
  ctx: EngineContext,
  actor: Actor,
  input: unknown,
): Promise<BookingView> {
  const pnr = parse(pnrSchema, input);
  const [view] = await loadBookingViews(ctx.em(), ctx.catalog, { pnr }, 1);
  if (!view || (view.userId !== actor.userId && actor.role !== 'admin')) {
    throw new DomainError('NOT_FOUND', 'No booking with that PNR was found.');
  }
  return publicView(view);
}

/** Anyone may check a PNR's status: the journey and seats, with no personal data. */
export async function pnrStatus(ctx: EngineContext, input: unknown): Promise<PnrStatus> {
  const pnr = parse(pnrSchema, input);
  const [view] = await loadBookingViews(ctx.em(), ctx.catalog, { pnr }, 1);
  if (!view) throw new DomainError('NOT_FOUND', 'No booking with that PNR was found.');
  return {
    pnr: view.pnr,
    trainNumber: view.trainNumber,
    trainName: view.trainName,
    serviceDate: view.serviceDate,
    from: { code: view.from.code, departsAt: view.from.departsAt },
    to: { code: view.to.code, arrivesAt: view.to.arrivesAt },
    classCode: view.classCode,
    status: view.status,
    seats: view.seats.map((s) => ({ coach: s.coach, number: s.number, berth: s.berth })),
    passengers: view.passengers.map((p) => p.standing),
  };
}
