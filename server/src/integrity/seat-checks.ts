import { query } from '../common/sql.ts';
import type { Check } from './report.ts';

/** Statuses whose bookings occupy seats; every other status must have freed them. */
const OCCUPYING = `('held', 'paying', 'confirmed', 'rac')`;

/**
 * Invariant 1 itself, as a plain self-join: it must not lean on the exclusion constraint, which
 * is exactly what a broken database may have lost.
 */
export const overlappingActiveSeats: Check = {
  name: 'overlapping-active-seats',
  invariant: 1,
  async run({ em }) {
    const rows = await query<{
      seat_id: string;
      a_id: string;
      a_booking: string;
      a_stops: string;
      a_part: string;
      b_id: string;
      b_booking: string;
      b_stops: string;
      b_part: string;
    }>(
      em,
      `select a.seat_id, a.id as a_id, a.booking_id as a_booking, a.stops::text as a_stops, a.part::text as a_part,
              b.id as b_id, b.booking_id as b_booking, b.stops::text as b_stops, b.part::text as b_part
         from booking_seats a
         join booking_seats b on b.seat_id = a.seat_id and b.id > a.id
        where a.active and b.active and a.stops && b.stops and a.part && b.part
        order by a.seat_id, a.id, b.id`,
    );
    return rows.map(
      (r) =>
        `seat ${r.seat_id}: booking_seats ${r.a_id} (booking ${r.a_booking}, stops ${r.a_stops}, part ${r.a_part}) ` +
        `overlaps ${r.b_id} (booking ${r.b_booking}, stops ${r.b_stops}, part ${r.b_part})`,
    );
  },
};

/** SQL: the booking `b` sits (is not, or not yet, waiting for a place). */
const SITTING = `(b.status in ${OCCUPYING} and b.place <> 'waitlist')`;

/**
 * A held, paying, confirmed or RAC booking on seats gives each passenger exactly one active seat
 * row. A missing row means a seat was given back while the booking still counts on it; two mean
 * a passenger sits twice (a promotion that forgot to free the RAC half).
 */
export const liveBookingSeats: Check = {
  name: 'live-booking-seats',
  invariant: 1,
  async run({ em }) {
    const rows = await query<{ id: string; status: string; passengers: number; active: number }>(
      em,
      `select b.id, b.status, count(distinct p.id)::int as passengers, count(bs.id)::int as active
         from bookings b
         left join booking_passengers p on p.booking_id = b.id
         left join booking_seats bs on bs.passenger_id = p.id and bs.active
        where ${SITTING}
        group by b.id
       having count(p.id) = 0 or count(distinct p.id) filter (where bs.id is null) > 0
           or count(bs.id) <> count(distinct p.id)
        order by b.id`,
    );
    return rows.map(
      (r) =>
        `booking ${r.id} is ${r.status} with ${r.passengers} passenger(s) but ${r.active} active seat row(s), not one each`,
    );
  },
};

/** An expired, released, cancelled or waiting booking must have (or have given back) no seat. */
export const endedBookingSeats: Check = {
  name: 'ended-booking-seats',
  invariant: 1,
  async run({ em }) {
    const rows = await query<{ id: string; status: string; seat_ids: string[] }>(
      em,
      `select b.id, b.status, array_agg(bs.seat_id order by bs.seat_id)::text[] as seat_ids
         from bookings b
         join booking_seats bs on bs.booking_id = b.id and bs.active
        where not ${SITTING}
        group by b.id
        order by b.id`,
    );
    return rows.map(
      (r) => `booking ${r.id} is ${r.status} but still occupies seat(s) ${r.seat_ids.join(', ')}`,
    );
  },
};

/**
 * Every booking_seats row was created by a change that bumped its seat's version (and freeing it
 * bumps again), so a version below the row count means a change slipped past the seat lock.
 */
export const seatVersions: Check = {
  name: 'seat-version-behind',
  invariant: 1,
  async run({ em }) {
    const rows = await query<{ id: string; version: string; rows: number }>(
      em,
      `select s.id, s.version, c.rows
         from seats s
         join (select seat_id, count(*)::int as rows from booking_seats group by seat_id) c on c.seat_id = s.id
        where s.version < c.rows
        order by s.id`,
    );
    return rows.map(
      (r) => `seat ${r.id} has version ${r.version} but ${r.rows} booking_seats rows`,
    );
  },
};

export const seatChecks: Check[] = [
  overlappingActiveSeats,
  liveBookingSeats,
  endedBookingSeats,
  seatVersions,
];
