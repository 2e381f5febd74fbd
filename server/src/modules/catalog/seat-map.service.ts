import {
  freeStretches,
  seatLabel,
  seatMapRequestSchema,
  stateForSegment,
  type OccupancySpan,
  type SeatMap,
  type SeatState,
} from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { LIVE } from '../booking/seats.repository.ts';
import { BERTH_HALF, OCCUPANCY_STATE } from '../booking/seat-changes.ts';
import { resolveSegment } from './segment.ts';

/**
 * Every seat of a run as one viewer sees it for one segment: booked beats held beats free, a
 * lapsed hold counts as free, and the viewer's own live bookings show as "yours". A seat taken on
 * part of the segment carries its spans there, so the viewer can see where it is still free.
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
  const segment = { from: from.seq, to: to.seq };
  const rows = await query<{
    id: string;
    version: string;
    occupancy: OccupancySpan[] | null;
    mine: boolean;
  }>(
    ctx.em(),
    // Only the spans that touch the segment: the rest never changes what this viewer sees.
    `select s.id, s.version,
            json_agg(json_strip_nulls(json_build_object(
                       'from', lower(bs.stops), 'to', upper(bs.stops),
                       'state', ${OCCUPANCY_STATE}, 'half', ${BERTH_HALF}))
                     order by lower(bs.stops), upper(bs.stops))
              filter (where b.id is not null) as occupancy,
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
      const occupancy = r.occupancy ?? [];
      // The state a client derives from these spans is the state shown: one rule, in shared.
      const state: SeatState = r.mine ? 'yours' : stateForSegment(occupancy, segment);
      // Spans go out only where they say more than the state: taken here, free there.
      const partlyFree = occupancy.length > 0 && freeStretches(occupancy, segment).length > 0;
      return {
        seatId: seat.seatId,
        coach: seat.coach,
        number: seat.number,
        berth: seat.berth,
        label: seatLabel(seat.coach, seat.number, seat.berth),
        classCode: seat.classCode,
        version: Number(r.version),
        state,
        rac: seat.rac,
        ...(partlyFree ? { occupancy } : {}),
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
    stops: route.stops
      .filter((s) => s.seq >= from.seq && s.seq <= to.seq)
      .map((s) => ({
        seq: s.seq,
        code: s.code,
        name: s.name,
        at: at(s.seq === to.seq ? s.arrivalOffsetMin : s.departureOffsetMin),
      })),
    seats,
  };
}
