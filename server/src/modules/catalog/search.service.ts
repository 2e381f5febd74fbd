import { searchRequestSchema, type SearchResult } from '@berth/shared';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { assertInBookingWindow, bookingWindow } from './booking-window.ts';
import { segmentResults } from './segment-results.ts';

/**
 * Runs that call at `from` and later at `to`, boarding on `date` (local time of BERTH_TIMEZONE),
 * with per-class free counts for exactly that segment. A date outside the booking window is
 * refused rather than answered with an empty list: "no trains" would be untrue for a past date
 * and misleading for one not yet open.
 */
export async function searchRuns(ctx: EngineContext, input: unknown): Promise<SearchResult[]> {
  const req = parse(searchRequestSchema, input);
  assertInBookingWindow(bookingWindow(ctx.config), req.date);
  const runs = await query<{ run_id: number; from_seq: number; to_seq: number }>(
    ctx.em(),
    `select r.id as run_id, a.seq as from_seq, z.seq as to_seq
       from runs r
       join train_stops a on a.train_id = r.train_id
       join stations sa on sa.id = a.station_id and sa.code = ?
       join train_stops z on z.train_id = r.train_id and z.seq > a.seq
       join stations sz on sz.id = z.station_id and sz.code = ?
      where r.status = 'scheduled' and not r.demo
        and ((r.departs_at + make_interval(mins => coalesce(a.departure_offset_min, 0))) at time zone ?)::date = ?::date
      order by r.departs_at + make_interval(mins => coalesce(a.departure_offset_min, 0)), r.id`,
    [req.from, req.to, ctx.config.BERTH_TIMEZONE, req.date],
  );
  return segmentResults(
    ctx,
    runs.map((r) => ({ runId: r.run_id, fromSeq: r.from_seq, toSeq: r.to_seq })),
  );
}
