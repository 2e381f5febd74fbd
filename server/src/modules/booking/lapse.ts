import type { BookingStatus } from '@berth/shared';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { raise } from '../events/domain-events.ts';
import { bookings } from './bookings.repository.ts';

export interface ExpiredBooking {
  id: number;
  userId: number;
  runId: number;
  pnr: string;
  status: BookingStatus;
}

/**
 * Expires lapsed bookings. The caller holds the row locks of all their seats (lock order: seats,
 * then bookings); the bookings are locked here in id order and re-checked under the lock, so a
 * booking paid or expired meanwhile is left alone. With `skipLocked` (the sweeper) a booking
 * locked elsewhere is skipped, never waited for. Raises `booking.expired` for each; returns
 * them and the freed seats, which the caller bumps.
 */
export async function expireLapsed(
  em: Em,
  bookingIds: readonly number[],
  opts: { skipLocked: boolean },
): Promise<{ expired: ExpiredBooking[]; freedSeatIds: number[] }> {
  if (bookingIds.length === 0) return { expired: [], freedSeatIds: [] };
  const locked = await bookings.lockLapsed(em, bookingIds, opts);
  if (locked.length === 0) return { expired: [], freedSeatIds: [] };
  const ids = locked.map((b) => Number(b.id));
  await query(em, `update bookings set status = 'expired', updated_at = now() where id = any(?)`, [
    ids,
  ]);
  const freedSeatIds = await bookings.freeSeats(em, ids);
  const expired = locked.map((b) => ({
    id: Number(b.id),
    userId: Number(b.user_id),
    runId: b.run_id,
    pnr: b.pnr,
    status: b.status,
  }));
  for (const b of expired) {
    raise(em, {
      type: 'booking.expired',
      booking: { id: b.id, pnr: b.pnr, userId: b.userId },
      was: b.status,
    });
  }
  return { expired, freedSeatIds };
}
