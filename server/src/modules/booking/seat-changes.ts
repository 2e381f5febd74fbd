import type { BerthHalf, OccupancySpan, OccupancyState, SeatDelta } from '@berth/shared';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { raise } from '../events/domain-events.ts';

const stateOf = (status: string): OccupancyState =>
  status === 'confirmed' ? 'booked' : status === 'rac' ? 'rac' : 'held';

/** SQL: the half of the berth the booking seat `bs` takes, or null for the whole berth. */
export const BERTH_HALF = `(case when bs.part = '[0,2)'::int4range then null
       when lower(bs.part) = 0 then 'first' else 'second' end)`;

/** SQL: how the live booking `b` takes its seat, as an occupancy span says it (OccupancyState). */
export const OCCUPANCY_STATE = `(case when b.status = 'confirmed' then 'booked'
       when b.status = 'rac' then 'rac' else 'held' end)`;

/**
 * SQL (seat ids): bumps the seats' versions and reads each one's active booking rows.
 *
 * The occupancy is read per bumped seat in a lateral subquery kept apart by `offset 0`. As a
 * plain join, the plan a connection caches (prepared statements and PL/pgSQL both keep a generic
 * plan) may have been made while booking_seats was empty, and then scans every active booking
 * seat for each hold as the table fills: measured with pgbench, 2,000 index tuples read per hold
 * after a few seconds, and half the throughput. The lateral form leaves one index probe per seat
 * (test/hold-plans.test.ts).
 */
export const BUMP_SEATS = `with bumped as (
       update seats set version = version + 1 where id = any(?) returning id, run_id, version
     )
     select bumped.id, bumped.run_id, bumped.version, lower(occ.stops) as from_seq,
            upper(occ.stops) as to_seq, occ.status, occ.half
       from bumped
       left join lateral (
         select bs.stops, b.status, ${BERTH_HALF} as half
           from booking_seats bs join bookings b on b.id = bs.booking_id
          where bs.seat_id = bumped.id and bs.active
         offset 0) as occ on true
      order by bumped.id, lower(occ.stops)`;

/**
 * Bumps the versions of seats whose occupancy this transaction changed, reads their whole
 * occupancy along the route in the same statement (BUMP_SEATS), and raises `seats.changed` per
 * run: a change to what a seat shows is announced wherever it is made, so none can go unpushed.
 * The caller must hold the seats' row locks, so what it reads is exactly what will commit.
 */
export async function bumpSeats(em: Em, seatIds: readonly number[]): Promise<SeatDelta[]> {
  if (seatIds.length === 0) return [];
  const rows = await query<BumpedRow>(em, BUMP_SEATS, [seatIds]);
  return announceBumped(em, rows);
}

/** A bumped seat with one of its active booking rows (or none), as the bump statement reads it. */
export interface BumpedRow {
  id: string | number;
  run_id: number;
  version: string | number;
  from_seq: number | null;
  to_seq: number | null;
  status: string | null;
  half?: BerthHalf | null;
}

/**
 * The deltas of bumped seats from their rows (ordered by seat, then stop), with `seats.changed`
 * raised per run: for `bumpSeats`, and for the hold function, which bumps in the same statement.
 */
export function announceBumped(em: Em, rows: readonly BumpedRow[]): SeatDelta[] {
  const deltas = new Map<number, SeatDelta>();
  const runOf = new Map<number, number>();
  for (const r of rows) {
    const seatId = Number(r.id);
    let delta = deltas.get(seatId);
    if (!delta) {
      delta = { seatId, version: Number(r.version), occupancy: [] };
      deltas.set(seatId, delta);
      runOf.set(seatId, r.run_id);
    }
    if (r.status && r.from_seq !== null && r.to_seq !== null) {
      const span: OccupancySpan = { from: r.from_seq, to: r.to_seq, state: stateOf(r.status) };
      if (r.half) span.half = r.half;
      delta.occupancy.push(span);
    }
  }
  const byRun = new Map<number, SeatDelta[]>();
  for (const delta of deltas.values()) {
    const runId = runOf.get(delta.seatId)!;
    byRun.set(runId, [...(byRun.get(runId) ?? []), delta]);
  }
  for (const [runId, seats] of byRun) raise(em, { type: 'seats.changed', runId, seats });
  return [...deltas.values()];
}
