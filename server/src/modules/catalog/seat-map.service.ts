import { seatLabel, seatMapRequestSchema, type SeatMap, type SeatState } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { LIVE } from '../booking/lapse.ts';
import { resolveSegment } from './segment.ts';

/**
 * Every seat of a run as one viewer sees it for one segment: booked beats held beats free, a
 * lapsed hold counts as free, and the viewer's own live bookings show as "yours".
 */
export async function seatMap(
  ctx: EngineContext,
  viewerId: number | null,
  input: unknown,
): Promise<SeatMap> {
  const req = parse(seatMapRequestSchema, input);
  const route = await ctx.catalog.route(req.runId);
  if (!route) throw new DomainError('NOT_FOUND', 'That train run was not found.');
  const { from, to } = resolveSegment(
    route,
    req.from ?? route.stops[0]!.code,
    req.to ?? route.stops[route.stops.length - 1]!.code,
  );
  const rows = await query<{
    id: string;
    version: string;
    state: 'free' | 'held' | 'booked';
    mine: boolean;
  }>(
    ctx.em(),
    `select s.id, s.version,
            case when bool_or(b.status = 'confirmed') then 'booked'
                 when count(b.id) > 0 then 'held' else 'free' end as state,
            coalesce(bool_or(b.user_id = ?), false) as mine
       from seats s
       left join booking_seats bs on bs.seat_id = s.id and bs.active and bs.stops && int4range(?, ?)
       left join bookings b on b.id = bs.booking_id and ${LIVE}
      where s.run_id = ?
      group by s.id`,
    [viewerId ?? 0, from.seq, to.seq, req.runId],
  );
  const info = await ctx.catalog.seatsOf(req.runId);
  const seats = rows
    .map((r) => {
      const seat = info.get(Number(r.id))!;
      const state: SeatState = r.mine ? 'yours' : r.state;
      return {
        seatId: seat.seatId,
        coach: seat.coach,
        number: seat.number,
        berth: seat.berth,
        label: seatLabel(seat.coach, seat.number, seat.berth),
        classCode: seat.classCode,
        version: Number(r.version),
        state,
        position: seat.coachPosition,
      };
    })
    .sort((a, b) => a.position - b.position || a.number - b.number)
    .map(({ position: _p, ...seat }) => seat);
  const at = (offsetMin: number | null) =>
    new Date(route.departsAt.getTime() + (offsetMin ?? 0) * 60_000).toISOString();
  return {
    runId: req.runId,
    train: { number: route.trainNumber, name: route.trainName, serviceDate: route.serviceDate },
    from: { seq: from.seq, code: from.code, name: from.name, at: at(from.departureOffsetMin) },
    to: { seq: to.seq, code: to.code, name: to.name, at: at(to.arrivalOffsetMin) },
    seats,
  };
}
