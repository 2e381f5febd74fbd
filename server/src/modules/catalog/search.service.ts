import { fareFor, searchRequestSchema, type SearchResult } from '@berth/shared';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { LIVE } from '../booking/lapse.ts';

/**
 * Runs that call at `from` and later at `to`, boarding on `date` (local time of BERTH_TIMEZONE),
 * with per-class free counts for exactly that segment.
 */
export async function searchRuns(ctx: EngineContext, input: unknown): Promise<SearchResult[]> {
  const req = parse(searchRequestSchema, input);
  const runs = await query<{ run_id: number; from_seq: number; to_seq: number; boards_at: Date }>(
    ctx.em(),
    `select r.id as run_id, a.seq as from_seq, z.seq as to_seq,
            r.departs_at + make_interval(mins => coalesce(a.departure_offset_min, 0)) as boards_at
       from runs r
       join train_stops a on a.train_id = r.train_id
       join stations sa on sa.id = a.station_id and sa.code = ?
       join train_stops z on z.train_id = r.train_id and z.seq > a.seq
       join stations sz on sz.id = z.station_id and sz.code = ?
      where r.status = 'scheduled' and not r.demo
        and ((r.departs_at + make_interval(mins => coalesce(a.departure_offset_min, 0))) at time zone ?)::date = ?::date
      order by boards_at`,
    [req.from, req.to, ctx.config.BERTH_TIMEZONE, req.date],
  );
  if (runs.length === 0) return [];
  const counts = await query<{
    run_id: number;
    class_code: string;
    capacity: string;
    taken: string;
  }>(
    ctx.em(),
    `select s.run_id, s.class_code, count(*) as capacity,
            count(*) filter (where exists (
              select 1 from booking_seats bs join bookings b on b.id = bs.booking_id
               where bs.seat_id = s.id and bs.active and ${LIVE}
                 and bs.stops && int4range(q.from_seq, q.to_seq))) as taken
       from seats s
       join (select unnest(?::int[]) as run_id, unnest(?::int[]) as from_seq, unnest(?::int[]) as to_seq) q
         on q.run_id = s.run_id
      group by s.run_id, s.class_code`,
    [runs.map((r) => r.run_id), runs.map((r) => r.from_seq), runs.map((r) => r.to_seq)],
  );
  const fares = await ctx.catalog.classFares();
  const results: SearchResult[] = [];
  for (const run of runs) {
    const route = (await ctx.catalog.route(run.run_id))!;
    const from = route.stops.find((s) => s.seq === run.from_seq)!;
    const to = route.stops.find((s) => s.seq === run.to_seq)!;
    const departs = route.departsAt.getTime() + (from.departureOffsetMin ?? 0) * 60_000;
    const arrives = route.departsAt.getTime() + (to.arrivalOffsetMin ?? 0) * 60_000;
    const classes = counts
      .filter((c) => c.run_id === run.run_id)
      .map((c) => {
        const fare = fares.get(c.class_code)!;
        return {
          classCode: c.class_code,
          className: fare.name,
          capacity: Number(c.capacity),
          free: Number(c.capacity) - Number(c.taken),
          farePaise: fareFor(fare, to.km - from.km, 1),
        };
      })
      .sort(
        (a, b) => [...fares.keys()].indexOf(a.classCode) - [...fares.keys()].indexOf(b.classCode),
      );
    results.push({
      runId: run.run_id,
      trainNumber: route.trainNumber,
      trainName: route.trainName,
      serviceDate: route.serviceDate,
      from: {
        seq: from.seq,
        code: from.code,
        name: from.name,
        departsAt: new Date(departs).toISOString(),
      },
      to: { seq: to.seq, code: to.code, name: to.name, arrivesAt: new Date(arrives).toISOString() },
      durationMinutes: Math.round((arrives - departs) / 60_000),
      classes,
    });
  }
  return results;
}
