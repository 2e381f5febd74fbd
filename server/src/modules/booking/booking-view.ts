import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { seatLabel, standingLabel, type BookingView } from '@berth/shared';
import type { CatalogCache } from '../catalog/route-cache.ts';
import { arrivalAt, departureAt } from '../catalog/route-cache.ts';
import { Payment, Refund } from '../payments/payment.entities.ts';
import { passengersAhead } from '../waitlist/queue-numbers.ts';
import { Booking } from './booking.entities.ts';

/**
 * Loads bookings (newest first) matching `where`, as their owner sees them: a cold read through
 * the entities, with its passengers, its latest refund and the payment that went through.
 */
export async function loadBookingViews(
  em: EntityManager,
  catalog: CatalogCache,
  where: FilterQuery<Booking>,
  limit = 100,
): Promise<(BookingView & { userId: number })[]> {
  const bookings = await em.find(Booking, where, {
    populate: ['seats', 'passengers'],
    exclude: ['journey', 'idempotencyKey'],
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    limit,
  });
  if (bookings.length === 0) return [];
  const ids = bookings.map((b) => b.id);
  const refunds = await em.find(
    Refund,
    { booking: { $in: ids } },
    { fields: ['booking', 'status', 'amountPaise', 'reason'], orderBy: { id: 'desc' } },
  );
  // Declined attempts have references too: the ticket quotes the one that paid. Its row is last
  // written when it succeeded, so updatedAt is when the booking was paid.
  const payments = await em.find(
    Payment,
    { booking: { $in: ids }, status: 'succeeded', gatewayRef: { $ne: null } },
    { fields: ['booking', 'gatewayRef', 'updatedAt'], orderBy: { id: 'desc' } },
  );
  const ahead = await passengersAhead(em, ids);
  const latestRefund = firstPerBooking(refunds);
  const paidBy = firstPerBooking(payments);
  const views = [];
  for (const b of bookings) {
    const route = await catalog.route(b.run.id);
    const seats = await catalog.seatsOf(b.run.id);
    if (!route) continue;
    const from = route.stops.find((s) => s.seq === b.fromSeq)!;
    const to = route.stops.find((s) => s.seq === b.toSeq)!;
    const refund = latestRefund.get(b.id);
    const payment = paidBy.get(b.id);
    // A passenger promoted from a RAC half to a berth of their own has two rows: the later counts.
    const seatOf = new Map(
      b.seats.getItems().map((bs) => [bs.passenger.id, seats.get(bs.seat.id)!] as const),
    );
    const queuedAhead = ahead.get(b.id);
    views.push({
      id: b.id,
      userId: b.user.id,
      pnr: b.pnr,
      runId: b.run.id,
      trainNumber: route.trainNumber,
      trainName: route.trainName,
      serviceDate: route.serviceDate,
      from: {
        seq: from.seq,
        code: from.code,
        name: from.name,
        departsAt: departureAt(route, from).toISOString(),
      },
      to: {
        seq: to.seq,
        code: to.code,
        name: to.name,
        arrivesAt: arrivalAt(route, to).toISOString(),
      },
      classCode: b.travelClass.code,
      status: b.status,
      place: b.place,
      passengers: b.passengers.getItems().map((p, i) => {
        const seat = seatOf.get(p.id);
        const at = seat ? { coach: seat.coach, number: seat.number, berth: seat.berth } : null;
        const queueNumber = queuedAhead === undefined ? null : queuedAhead + i + 1;
        return {
          name: p.name,
          age: p.age,
          gender: p.gender ?? null,
          berthPreference: p.berthPreference ?? null,
          standing: standingLabel(b.status, b.place, at, queueNumber),
          seat: at,
        };
      }),
      expiresAt: b.expiresAt.toISOString(),
      serverNow: new Date().toISOString(),
      farePaise: b.farePaise,
      seats: b.passengers.getItems().flatMap((p) => {
        const seat = seatOf.get(p.id);
        if (!seat) return [];
        return [
          {
            seatId: seat.seatId,
            coach: seat.coach,
            number: seat.number,
            berth: seat.berth,
            label: seatLabel(seat.coach, seat.number, seat.berth),
            passengerName: p.name,
            passengerAge: p.age,
            berthPreference: p.berthPreference ?? null,
          },
        ];
      }),
      refund: refund
        ? { status: refund.status, amountPaise: refund.amountPaise, reason: refund.reason }
        : null,
      payment: payment?.gatewayRef
        ? { reference: payment.gatewayRef, paidAt: payment.updatedAt.toISOString() }
        : null,
      createdAt: b.createdAt.toISOString(),
    });
  }
  return views;
}

/** The first row per booking of rows sorted newest first: the latest one. */
function firstPerBooking<T extends { booking: { id: number } }>(rows: T[]): Map<number, T> {
  const first = new Map<number, T>();
  for (const row of rows) if (!first.has(row.booking.id)) first.set(row.booking.id, row);
  return first;
}

export async function loadBookingView(em: EntityManager, catalog: CatalogCache, bookingId: number) {
  const [view] = await loadBookingViews(em, catalog, { id: bookingId }, 1);
  return view;
}

/** Strips the owner id before a view leaves the engine. */
export function publicView({
  userId: _owner,
  ...view
}: BookingView & { userId: number }): BookingView {
  return view;
}
