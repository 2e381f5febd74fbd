import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { raise } from '../events/domain-events.ts';

/*
 * The RAC and waitlist queues of a (run, class), read and announced: where each booking stands
 * (its number), whether a segment has anyone waiting (a hold there is refused), and telling
 * those behind when someone leaves.
 */

/**
 * How many passengers stand ahead of each of these bookings in its queue: RAC bookings ahead of
 * a RAC booking, waitlisted ones ahead of a waitlisted one, in the same run and class, by queue
 * ticket (the order of payment). A booking's first passenger is number `ahead + 1`. Bookings in
 * neither queue are absent. Numbers are ranks, never stored: when someone ahead leaves, everyone
 * behind moves up without a write.
 */
export async function passengersAhead(
  em: Em,
  bookingIds: readonly number[],
): Promise<Map<number, number>> {
  if (bookingIds.length === 0) return new Map();
  const rows = await query<{ id: string; ahead: number }>(
    em,
    `select m.id,
            (select count(*)::int from bookings o join booking_passengers p on p.booking_id = o.id
              where o.run_id = m.run_id and o.class_code = m.class_code and o.status = m.status
                and o.queue_ticket < m.queue_ticket) as ahead
       from bookings m
      where m.id = any(?) and m.status in ('rac', 'waitlisted')`,
    [bookingIds],
  );
  return new Map(rows.map((r) => [Number(r.id), r.ahead]));
}

/**
 * SQL: RAC or waitlisted bookings of (run, class) overlap the stops `[from, to)`, so berths freed
 * there belong to them (a hold there is refused WAITLIST_OPEN). Its arguments are SQL: `?`
 * parameters (then bound as run, class, to, from) or the hold function's variables.
 */
export const queuedOnSegment = (run: string, classCode: string, from: string, to: string) =>
  `exists (select 1 from bookings q
            where q.run_id = ${run} and q.class_code = ${classCode} and q.status in ('rac', 'waitlisted')
              and q.from_seq < ${to} and ${from} < q.to_seq)`;

/** SQL (run, class, to seq, from seq): queuedOnSegment as a statement of the stepwise hold. */
export const QUEUE_ON_SEGMENT = `select ${queuedOnSegment('?', '?', '?', '?')} as queued`;

/** Whether people wait for (run, class) on the stops `[from, to)` (see queuedOnSegment). */
export async function queueOnSegment(
  em: Em,
  runId: number,
  classCode: string,
  stops: { from: number; to: number },
): Promise<boolean> {
  const [row] = await query<{ queued: boolean }>(em, QUEUE_ON_SEGMENT, [
    runId,
    classCode,
    stops.to,
    stops.from,
  ]);
  return row?.queued ?? false;
}

/**
 * Raises `queue.changed` for (run, class) after someone left its queue (promoted or cancelled):
 * everyone still waiting there, but for `except` (told already), may have moved up a number.
 */
export async function announceQueueMoved(
  em: Em,
  runId: number,
  classCode: string,
  except: readonly number[] = [],
): Promise<void> {
  const rows = await query<{
    id: string;
    pnr: string;
    user_id: string;
    status: 'rac' | 'waitlisted';
  }>(
    em,
    `select id, pnr, user_id, status from bookings
      where run_id = ? and class_code = ? and status in ('rac', 'waitlisted') and id <> all(?)
      order by queue_ticket`,
    [runId, classCode, [...except]],
  );
  const movedUp = rows.map((r) => ({
    id: Number(r.id),
    pnr: r.pnr,
    userId: Number(r.user_id),
    status: r.status,
  }));
  raise(em, { type: 'queue.changed', runId, classCode, movedUp });
}
