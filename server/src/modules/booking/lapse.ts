import { rooms } from '@berth/shared';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { bookingUpdated, outboxPush, type OutboxMessage } from '../audit/outbox-push.ts';
import { recordTransitions, systemActor, type AuditRecord } from '../audit/transition-writer.ts';
import { bookings } from './bookings.repository.ts';

export const EXPIRE_ACTION = 'EXPIRE';

export interface ExpiredBooking {
  id: number;
  userId: number;
  runId: number;
  pnr: string;
  status: string;
}

/**
 * Expires lapsed bookings. The caller holds the row locks of all their seats (lock order: seats,
 * then bookings); the bookings are locked here in id order and re-checked under the lock, so a
 * booking paid or expired meanwhile is left alone. With `skipLocked` (the sweeper) a booking
 * locked elsewhere is skipped, never waited for. Returns the expired bookings and freed seats;
 * the caller bumps the seats and announces them.
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
  const freed = await query<{ seat_id: string }>(
    em,
    `update booking_seats set active = false where booking_id = any(?) and active returning seat_id`,
    [ids],
  );
  const expired = locked.map((b) => ({
    id: Number(b.id),
    userId: Number(b.user_id),
    runId: b.run_id,
    pnr: b.pnr,
    status: b.status,
  }));
  const audits: AuditRecord[] = expired.map((b) => ({
    actor: systemActor,
    action: EXPIRE_ACTION,
    bookingId: b.id,
    before: { status: b.status },
    after: { status: 'expired' },
  }));
  const messages: OutboxMessage[] = expired.flatMap((b) => [
    outboxPush('hold:expired', rooms.user(b.userId), { bookingId: b.id, pnr: b.pnr }),
    bookingUpdated(b.userId, { bookingId: b.id, pnr: b.pnr, status: 'expired' }),
  ]);
  await recordTransitions(em, audits, messages);
  return { expired, freedSeatIds: [...new Set(freed.map((r) => Number(r.seat_id)))] };
}
