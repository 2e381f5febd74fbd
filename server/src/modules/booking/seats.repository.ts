import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

/**
 * Seat rows: the rows every booking transaction locks (they always exist, so they are always
 * lockable), and the predicates that say whether a booking still occupies its seats. Lock order:
 * user row, then seat rows by ascending id, then bookings, then payments.
 */

/** SQL: the booking `b` is an unpaid hold past its time, whose seats are free for anyone. */
export const LAPSED = `(b.status in ('held', 'paying') and b.hold_until <= now())`;
/**
 * SQL: the booking `b` keeps its seats (and its journey). Waitlisted bookings have no seats;
 * they count here for the journey-overlap rule.
 */
export const LIVE = `(b.status in ('confirmed', 'rac', 'waitlisted') or (b.status in ('held', 'paying') and b.hold_until > now()))`;

/**
 * SQL: the booking `b` is one of its user's journeys, for the journey-overlap rule. The status
 * list repeats LIVE's statuses in the form of the partial index `bookings_user_active_idx`, so
 * the planner can prove the index applies.
 */
export const USER_JOURNEY = `(b.status in ('held', 'paying', 'confirmed', 'rac', 'waitlisted') and ${LIVE})`;

/**
 * SQL (seat ids, from seq, to seq): the active booking seats on these seats that overlap the
 * segment, each with whether its booking has lapsed. One index probe per wanted seat: `offset 0`
 * keeps the lateral subquery from being flattened into a join, whose plan, cached by a
 * connection while booking_seats was empty, may start with a scan of every active row of the
 * segment (see BUMP_SEATS in seat-changes.ts).
 */
export const SEAT_OVERLAP = `select hit.seat_id, hit.booking_id, hit.lapsed
       from unnest(?::bigint[]) as wanted (seat_id)
      cross join lateral (
        select bs.seat_id, bs.booking_id, ${LAPSED} as lapsed
          from booking_seats bs join bookings b on b.id = bs.booking_id
         where bs.seat_id = wanted.seat_id and bs.active
           and bs.stops && int4range(?, ?) and bs.part && '[0,2)'::int4range
        offset 0) as hit`;

export interface SeatOverlap {
  seat_id: string;
  booking_id: string;
  lapsed: boolean;
}

export const seats = {
  /** What sits on these seats over the segment `[from, to)` (SEAT_OVERLAP). */
  async overlapping(em: Em, seatIds: readonly number[], from: number, to: number) {
    return query<SeatOverlap>(em, SEAT_OVERLAP, [seatIds, from, to]);
  },

  /** Locks seat rows in ascending id, waiting for any transaction that has one. */
  async lock(em: Em, seatIds: readonly number[]): Promise<void> {
    if (seatIds.length === 0) return;
    await query(em, `select id from seats where id = any(?) order by id for update`, [seatIds]);
  },

  /**
   * Locks the seat rows nobody else holds right now and answers which (a scanning job: it never
   * waits, the rest are for its next round).
   */
  async lockFree(em: Em, seatIds: readonly number[]): Promise<Set<number>> {
    if (seatIds.length === 0) return new Set();
    const got = await query<{ id: string }>(
      em,
      `select id from seats where id = any(?) order by id for update skip locked`,
      [seatIds],
    );
    return new Set(got.map((r) => Number(r.id)));
  },

  /** The run of each seat. */
  async runsOf(em: Em, seatIds: readonly number[]): Promise<Map<number, number>> {
    if (seatIds.length === 0) return new Map();
    const rows = await query<{ id: string; run_id: number }>(
      em,
      `select id, run_id from seats where id = any(?)`,
      [seatIds],
    );
    return new Map(rows.map((r) => [Number(r.id), r.run_id]));
  },
};
