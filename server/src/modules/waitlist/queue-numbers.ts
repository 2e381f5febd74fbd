import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

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
