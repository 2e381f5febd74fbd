import { fareFor, type ClassAvailability, type SearchResult } from '@berth/shared';
import { query } from '../../common/sql.ts';
import type { EngineContext } from '../../engine-context.ts';
import { LIVE } from '../booking/seats.repository.ts';
import { chartTime } from '../waitlist/chart-time.ts';

/** One run travelled from stop `fromSeq` to stop `toSeq`. */
export interface Leg {
  runId: number;
  fromSeq: number;
  toSeq: number;
}

/** SQL: seat `s` has a live row over the leg `q` on this part of the berth. */
const takenOn = (part: string) => `exists (
              select 1 from booking_seats bs join bookings b on b.id = bs.booking_id
               where bs.seat_id = s.id and bs.active and ${LIVE}
                 and bs.stops && int4range(q.from_seq, q.to_seq) and bs.part && ${part}::int4range)`;

/**
 * The search answer for each leg, in the order given: times from the cached route, and per class
 * the capacity, the seats free for exactly that segment (a seat with any live booking overlapping
 * it is taken; a lapsed hold is not; RAC berths are counted apart, in halves), the RAC and
 * waitlist counts, whether the waitlist still sells (its limit, the chart) and the fare. Every leg is counted in one query, the queues in one more.
 */
export async function segmentResults(ctx: EngineContext, legs: Leg[]): Promise<SearchResult[]> {
  if (legs.length === 0) return [];
  const counts = await query<{
    run_id: number;
    from_seq: number;
    to_seq: number;
    class_code: string;
    capacity: string;
    free: string;
    rac_halves_free: string;
  }>(
    ctx.em(),
    `select q.run_id, q.from_seq, q.to_seq, s.class_code, count(*) as capacity,
            count(*) filter (where not s.rac and not ${takenOn(`'[0,2)'`)}) as free,
            coalesce(sum((not ${takenOn(`'[0,1)'`)})::int + (not ${takenOn(`'[1,2)'`)})::int)
                       filter (where s.rac), 0) as rac_halves_free
       from (select distinct * from unnest(?::int[], ?::int[], ?::int[]) as q(run_id, from_seq, to_seq)) q
       join seats s on s.run_id = q.run_id
      group by q.run_id, q.from_seq, q.to_seq, s.class_code`,
    [legs.map((l) => l.runId), legs.map((l) => l.fromSeq), legs.map((l) => l.toSeq)],
  );
  const queues = await query<{ run_id: number; class_code: string; rac: number; wl: number }>(
    ctx.em(),
    `select b.run_id, b.class_code,
            count(*) filter (where b.status = 'rac')::int as rac,
            count(*) filter (where b.status = 'waitlisted')::int as wl
       from bookings b join booking_passengers p on p.booking_id = b.id
      where b.run_id = any(?) and b.status in ('rac', 'waitlisted')
      group by b.run_id, b.class_code`,
    [[...new Set(legs.map((l) => l.runId))]],
  );
  const fares = await ctx.catalog.classFares();
  const classOrder = [...fares.keys()];
  const results: SearchResult[] = [];
  for (const leg of legs) {
    const route = await ctx.catalog.route(leg.runId);
    const from = route?.stops.find((s) => s.seq === leg.fromSeq);
    const to = route?.stops.find((s) => s.seq === leg.toSeq);
    if (!route || !from || !to) continue; // the catalog was re-seeded under us
    const departs = route.departsAt.getTime() + (from.departureOffsetMin ?? 0) * 60_000;
    const arrives = route.departsAt.getTime() + (to.arrivalOffsetMin ?? 0) * 60_000;
    const classes: ClassAvailability[] = counts
      .filter((c) => c.run_id === leg.runId && c.from_seq === leg.fromSeq && c.to_seq === leg.toSeq)
      .map((c) => {
        const fare = fares.get(c.class_code)!;
        const queue = queues.find((q) => q.run_id === c.run_id && q.class_code === c.class_code);
        return {
          classCode: c.class_code,
          className: fare.name,
          capacity: Number(c.capacity),
          free: Number(c.free),
          racHalvesFree: Number(c.rac_halves_free),
          racCount: queue?.rac ?? 0,
          waitlistCount: queue?.wl ?? 0,
          waitlistOpen:
            (queue?.wl ?? 0) < ctx.config.WAITLIST_LIMIT &&
            Date.now() < chartTime(departs, ctx.config).getTime(),
          farePaise: fareFor(fare, to.km - from.km, 1),
        };
      })
      .sort((a, b) => classOrder.indexOf(a.classCode) - classOrder.indexOf(b.classCode));
    results.push({
      runId: route.runId,
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
