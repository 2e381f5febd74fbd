import { departuresRequestSchema, type SearchResult } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { today } from './booking-window.ts';
import { segmentResults } from './segment-results.ts';

/**
 * A station's departures board: every run that calls at the station and goes on from it, as the
 * search answer for the stretch from the station to the train's last stop, in order of departure
 * from the station. Runs whose journey ends at the station are arrivals, not departures.
 *
 * "Departures on `date`" means runs of service date `date` (the day the train leaves its origin),
 * not trains leaving this station on that calendar day: a train that left its origin late the
 * evening before shows on the previous day's board. For a kiosk that is acceptable, and it keeps
 * the board one indexed lookup of runs by service date. The date defaults to today in
 * BERTH_TIMEZONE. Like search, only scheduled (bookable) runs are listed.
 */
export async function stationDepartures(
  ctx: EngineContext,
  input: unknown,
): Promise<SearchResult[]> {
  const req = parse(departuresRequestSchema, input);
  const date = req.date ?? today(ctx.config.BERTH_TIMEZONE);
  const [station] = await query<{ id: number }>(
    ctx.em(),
    `select id from stations where code = ?`,
    [req.code],
  );
  if (!station) throw new DomainError('NOT_FOUND', `There is no station ${req.code}.`);
  const runs = await query<{ run_id: number; from_seq: number; to_seq: number }>(
    ctx.em(),
    `select r.id as run_id, a.seq as from_seq, last.seq as to_seq
       from runs r
       join train_stops a on a.train_id = r.train_id and a.station_id = ?
       join lateral (select max(seq) as seq from train_stops where train_id = r.train_id) last
         on last.seq > a.seq
      where r.service_date = ?::date and r.status = 'scheduled' and not r.demo
      order by r.departs_at + make_interval(mins => coalesce(a.departure_offset_min, 0)), r.id`,
    [station.id, date],
  );
  return segmentResults(
    ctx,
    runs.map((r) => ({ runId: r.run_id, fromSeq: r.from_seq, toSeq: r.to_seq })),
  );
}
