import { rooms, type OccupancyState, type SeatDelta } from '@berth/shared';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { outboxPush, type OutboxMessage } from '../audit/outbox-push.ts';

const stateOf = (status: string): OccupancyState => (status === 'confirmed' ? 'booked' : 'held');

/**
 * Bumps the versions of seats whose occupancy this transaction changed and reads their whole
 * occupancy along the route, in one statement. The caller must hold the seats' row locks, so
 * what it reads is exactly what will commit.
 */
export async function bumpSeats(em: Em, seatIds: readonly number[]): Promise<SeatDelta[]> {
  if (seatIds.length === 0) return [];
  const rows = await query<{
    id: string;
    version: string;
    from_seq: number | null;
    to_seq: number | null;
    status: string | null;
  }>(
    em,
    `with bumped as (
       update seats set version = version + 1 where id = any(?) returning id, version
     )
     select bumped.id, bumped.version, lower(bs.stops) as from_seq, upper(bs.stops) as to_seq, b.status
       from bumped
       left join booking_seats bs on bs.seat_id = bumped.id and bs.active
       left join bookings b on b.id = bs.booking_id
      order by bumped.id, lower(bs.stops)`,
    [seatIds],
  );
  const deltas = new Map<number, SeatDelta>();
  for (const r of rows) {
    const seatId = Number(r.id);
    let delta = deltas.get(seatId);
    if (!delta) {
      delta = { seatId, version: Number(r.version), occupancy: [] };
      deltas.set(seatId, delta);
    }
    if (r.status && r.from_seq !== null && r.to_seq !== null) {
      delta.occupancy.push({ from: r.from_seq, to: r.to_seq, state: stateOf(r.status) });
    }
  }
  return [...deltas.values()];
}

/** The `seats:changed` outbox message for one run; the relay stamps `committedAt`. */
export function seatsChanged(runId: number, seats: SeatDelta[]): OutboxMessage {
  return outboxPush('seats:changed', rooms.run(runId), { runId, seats });
}
