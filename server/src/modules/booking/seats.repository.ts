import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

/**
 * Seat rows: the rows every booking transaction locks (they always exist, so they are always
 * lockable), and the predicates that say whether a booking still occupies its seats. Lock order:
 * user row, then seat rows by ascending id, then bookings, then payments.
 */

/** SQL: the booking `b` is an unpaid hold past its time, whose seats are free for anyone. */
export const LAPSED = `(b.status in ('held', 'paying') and b.hold_until <= now())`;
/** SQL: the booking `b` keeps its seats. */
export const LIVE = `(b.status = 'confirmed' or (b.status in ('held', 'paying') and b.hold_until > now()))`;

export const seats = {
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
