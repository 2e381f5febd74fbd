import type { BookingStatus, PlaceKind } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { raise } from '../events/domain-events.ts';
import { LAPSED, seats as seatRows } from './seats.repository.ts';
import { lockPromotionIfQueued } from '../waitlist/promotion-lock.ts';

export interface LockedBooking {
  id: number;
  pnr: string;
  userId: number;
  runId: number;
  fromSeq: number;
  status: BookingStatus;
  classCode: string;
  place: PlaceKind;
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
async function lockWithSeats(em: Em, bookingId: number): Promise<LockedBooking | undefined> {
  // A change that may free seats of a (run, class) with people waiting takes the promotion lock
  // before any seat row (lock order), so what it frees goes to them first.
  await lockPromotionIfQueued(em, bookingId);
  const seats = await query<{ seat_id: string }>(
    em,
    `select seat_id from booking_seats where booking_id = ? and active order by seat_id`,
    [bookingId],
  );
  await seatRows.lock(
    em,
    seats.map((s) => Number(s.seat_id)),
  );
  return lock(em, bookingId);
}

/** The seats a booking occupies now; read under its locks, so it is what will commit. */
async function activeSeats(em: Em, bookingId: number): Promise<number[]> {
  const rows = await query<{ seat_id: string }>(
    em,
    `select seat_id from booking_seats where booking_id = ? and active order by seat_id`,
    [bookingId],
  );
  return rows.map((r) => Number(r.seat_id));
}

/** Locks only the booking row: for changes that leave its seats and what they show alone. */
async function lock(em: Em, bookingId: number): Promise<LockedBooking | undefined> {
  const [row] = await query<{
    id: string;
    pnr: string;
    user_id: string;
    run_id: number;
    from_seq: number;
    status: BookingStatus;
    class_code: string;
    place: PlaceKind;
    fare_paise: number;
    within_expiry: boolean;
    lapsed: boolean;
  }>(
    em,
    `select id, pnr, user_id, run_id, from_seq, status, class_code, place, fare_paise,
            expires_at > now() as within_expiry,
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
      classCode: row.class_code,
      place: row.place,
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

/**
 * Deactivates the seat rows of bookings, and raises `seats.freed` per run and class; returns the
 * freed seats, for the caller to bump.
 */
async function freeSeats(em: Em, bookingIds: readonly number[]): Promise<number[]> {
  if (bookingIds.length === 0) return [];
  const rows = await query<{ seat_id: string; run_id: number; class_code: string }>(
    em,
    `with freed as (
       update booking_seats set active = false where booking_id = any(?) and active
       returning seat_id
     )
     select f.seat_id, s.run_id, s.class_code from freed f join seats s on s.id = f.seat_id`,
    [bookingIds],
  );
  const groups = new Map<string, { runId: number; classCode: string; seatIds: number[] }>();
  for (const r of rows) {
    const key = `${r.run_id}:${r.class_code}`;
    const group = groups.get(key) ?? { runId: r.run_id, classCode: r.class_code, seatIds: [] };
    group.seatIds.push(Number(r.seat_id));
    groups.set(key, group);
  }
  for (const g of groups.values()) raise(em, { type: 'seats.freed', ...g });
  return [...new Set(rows.map((r) => Number(r.seat_id)))];
}

/** Sets a locked booking's status; `resetHoldUntil` puts its seats' deadline back to expiresAt. */
async function setStatus(
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

/**
 * Locks those of `bookingIds` that are lapsed holds, in id order (their seats are the caller's
 * already), and re-checks under the lock: a booking paid or expired meanwhile is left out. With
 * `skipLocked` (the sweeper) a booking locked elsewhere is skipped, never waited for.
 */
async function lockLapsed(em: Em, bookingIds: readonly number[], opts: { skipLocked: boolean }) {
  return query<{ id: string; user_id: string; run_id: number; pnr: string; status: BookingStatus }>(
    em,
    `select b.id, b.user_id, b.run_id, b.pnr, b.status from bookings b
      where b.id = any(?) and ${LAPSED}
      order by b.id for update ${opts.skipLocked ? 'skip locked' : ''}`,
    [bookingIds],
  );
}

/**
 * Booking rows. Lock order: a booking is locked after its seats (`lockWithSeats`) whenever the
 * change can meet a hold's lazy expiry of it, which locks the seats and then the booking.
 */
export const bookings = { lockWithSeats, lock, lockLapsed, activeSeats, freeSeats, setStatus };
