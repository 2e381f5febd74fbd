import type { BookingStatus } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { Actor } from '../audit/transition-writer.ts';

export interface LockedBooking {
  id: number;
  pnr: string;
  userId: number;
  runId: number;
  fromSeq: number;
  status: BookingStatus;
  farePaise: number;
  /** True while an unpaid hold is inside its time (expires_at in the future). */
  withinExpiry: boolean;
  lapsed: boolean;
}

/**
 * Locks a booking for a change to it or its seats, in the global lock order: its seats (found
 * without a lock, locked in id order), then the booking. Statuses are re-read under the lock.
 * Every change that can meet a hold's lazy expiry of the same booking (which locks the seats,
 * then the booking) must come this way, or the two could deadlock.
 */
export async function lockBookingAndSeats(
  em: Em,
  bookingId: number,
): Promise<LockedBooking | undefined> {
  const seats = await query<{ seat_id: string }>(
    em,
    `select seat_id from booking_seats where booking_id = ? and active order by seat_id`,
    [bookingId],
  );
  if (seats.length > 0) {
    await query(em, `select id from seats where id = any(?) order by id for update`, [
      seats.map((s) => s.seat_id),
    ]);
  }
  return lockBooking(em, bookingId);
}

/** The seats a booking occupies now; read under its locks, so it is what will commit. */
export async function activeSeats(em: Em, bookingId: number): Promise<number[]> {
  const rows = await query<{ seat_id: string }>(
    em,
    `select seat_id from booking_seats where booking_id = ? and active order by seat_id`,
    [bookingId],
  );
  return rows.map((r) => Number(r.seat_id));
}

/** Locks only the booking row: for changes that leave its seats and what they show alone. */
export async function lockBooking(em: Em, bookingId: number): Promise<LockedBooking | undefined> {
  const [row] = await query<{
    id: string;
    pnr: string;
    user_id: string;
    run_id: number;
    from_seq: number;
    status: BookingStatus;
    fare_paise: number;
    within_expiry: boolean;
    lapsed: boolean;
  }>(
    em,
    `select id, pnr, user_id, run_id, from_seq, status, fare_paise, expires_at > now() as within_expiry,
            (status in ('held', 'paying') and hold_until <= now()) as lapsed
       from bookings where id = ? for update`,
    [bookingId],
  );
  return (
    row && {
      id: Number(row.id),
      pnr: row.pnr,
      userId: Number(row.user_id),
      runId: row.run_id,
      fromSeq: row.from_seq,
      status: row.status,
      farePaise: row.fare_paise,
      withinExpiry: row.within_expiry,
      lapsed: row.lapsed,
    }
  );
}

/** Only the owner changes a booking; anyone else is refused without learning more. */
export function assertOwner(booking: LockedBooking | undefined, actor: Actor): LockedBooking {
  if (!booking) throw new DomainError('NOT_FOUND', 'That booking was not found.');
  if (booking.userId !== actor.userId) {
    throw new DomainError('FORBIDDEN', 'That booking belongs to someone else.');
  }
  return booking;
}

/** Deactivates a booking's seat rows; returns the seats to bump and announce. */
export async function freeSeats(em: Em, bookingId: number): Promise<number[]> {
  const rows = await query<{ seat_id: string }>(
    em,
    `update booking_seats set active = false where booking_id = ? and active returning seat_id`,
    [bookingId],
  );
  return rows.map((r) => Number(r.seat_id));
}

/** Sets a locked booking's status; `resetHoldUntil` puts its seats' deadline back to expiresAt. */
export async function setStatus(
  em: Em,
  bookingId: number,
  status: string,
  opts: { resetHoldUntil?: boolean } = {},
) {
  const holdUntil = opts.resetHoldUntil ? ', hold_until = expires_at' : '';
  await query(em, `update bookings set status = ?, updated_at = now()${holdUntil} where id = ?`, [
    status,
    bookingId,
  ]);
}
