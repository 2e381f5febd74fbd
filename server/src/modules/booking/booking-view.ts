import { seatLabel, type BookingStatus, type BookingView } from '@berth/shared';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { CatalogCache } from '../catalog/route-cache.ts';
import { arrivalAt, departureAt } from '../catalog/route-cache.ts';

interface BookingRow {
  id: string;
  pnr: string;
  user_id: string;
  run_id: number;
  from_seq: number;
  to_seq: number;
  class_code: string;
  status: BookingStatus;
  expires_at: Date;
  fare_paise: number;
  created_at: Date;
  refund_status: 'pending' | 'succeeded' | 'failed' | null;
  refund_amount: number | null;
  payment_ref: string | null;
  paid_at: Date | null;
}

const BOOKING_COLUMNS = `b.id, b.pnr, b.user_id, b.run_id, b.from_seq, b.to_seq, b.class_code, b.status,
  b.expires_at, b.fare_paise, b.created_at, r.status as refund_status, r.amount_paise as refund_amount,
  p.gateway_ref as payment_ref, p.updated_at as paid_at`;

/** Loads bookings (newest first) matching a condition on `b`, as their owner sees them. */
export async function loadBookingViews(
  em: Em,
  catalog: CatalogCache,
  where: string,
  bindings: unknown[],
  limit = 100,
): Promise<(BookingView & { userId: number })[]> {
  const bookings = await query<BookingRow>(
    em,
    `select ${BOOKING_COLUMNS}
       from bookings b left join lateral (
         select status, amount_paise from refunds where booking_id = b.id order by id desc limit 1
       ) r on true
       -- Declined attempts have references too: the ticket quotes the one that paid. Its row is
       -- last written when it succeeded, so updated_at is when the booking was paid.
       left join lateral (
         select gateway_ref, updated_at from payments
          where booking_id = b.id and status = 'succeeded' and gateway_ref is not null
          order by id desc limit 1
       ) p on true
      where ${where}
      order by b.created_at desc, b.id desc limit ?`,
    [...bindings, limit],
  );
  if (bookings.length === 0) return [];
  const passengers = await query<{
    booking_id: string;
    seat_id: string;
    passenger_name: string;
    passenger_age: number;
    berth_preference: string | null;
  }>(
    em,
    `select booking_id, seat_id, passenger_name, passenger_age, berth_preference
       from booking_seats where booking_id = any(?) order by id`,
    [bookings.map((b) => b.id)],
  );
  const views = [];
  for (const b of bookings) {
    const route = await catalog.route(b.run_id);
    const seats = await catalog.seatsOf(b.run_id);
    if (!route) continue;
    const from = route.stops.find((s) => s.seq === b.from_seq)!;
    const to = route.stops.find((s) => s.seq === b.to_seq)!;
    views.push({
      id: Number(b.id),
      userId: Number(b.user_id),
      pnr: b.pnr,
      runId: b.run_id,
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
      classCode: b.class_code,
      status: b.status,
      expiresAt: new Date(b.expires_at).toISOString(),
      serverNow: new Date().toISOString(),
      farePaise: b.fare_paise,
      seats: passengers
        .filter((p) => p.booking_id === b.id)
        .map((p) => {
          const seat = seats.get(Number(p.seat_id))!;
          return {
            seatId: seat.seatId,
            coach: seat.coach,
            number: seat.number,
            berth: seat.berth,
            label: seatLabel(seat.coach, seat.number, seat.berth),
            passengerName: p.passenger_name,
            passengerAge: p.passenger_age,
            berthPreference: p.berth_preference,
          };
        }),
      refund:
        b.refund_status && b.refund_amount !== null
          ? { status: b.refund_status, amountPaise: b.refund_amount }
          : null,
      payment:
        b.payment_ref !== null && b.paid_at !== null
          ? { reference: b.payment_ref, paidAt: new Date(b.paid_at).toISOString() }
          : null,
      createdAt: new Date(b.created_at).toISOString(),
    });
  }
  return views;
}

export async function loadBookingView(em: Em, catalog: CatalogCache, bookingId: number) {
  const [view] = await loadBookingViews(em, catalog, 'b.id = ?', [bookingId], 1);
  return view;
}

/** Strips the owner id before a view leaves the engine. */
export function publicView({
  userId: _owner,
  ...view
}: BookingView & { userId: number }): BookingView {
  return view;
}
