import { query } from '../common/sql.ts';
import type { Em } from '../common/sql.ts';
import type { Check } from './report.ts';

/*
 * Invariant 8: per run, leg and class every seat is counted once, by precedence
 * booked > RAC > live hold > free, and the counts add up to the capacity. Each count is its own
 * set-based query over all runs, legs and classes at once; none is derived from another.
 */

const CONFIRMED = `b.status = 'confirmed'`;
/** A paid RAC half: its berth counts once, in the RAC column, however many halves are sold. */
const RAC = `b.status = 'rac'`;
/** A lapsed hold (hold_until passed) no longer counts: its seat is free, swept or not. */
const LIVE_HOLD = `(b.status in ('held', 'paying') and b.hold_until > now())`;

/**
 * Every elementary leg (stop i to the next stop) of every run's route, plus the whole route; and
 * each leg's seats. Shared by the counts as their universe, never as a count.
 */
const LEG_SEATS = `
  legs as (
    select run_id, seq as from_seq, next_seq as to_seq
      from (select r.id as run_id, ts.seq, lead(ts.seq) over (partition by r.id order by ts.seq) as next_seq
              from runs r join train_stops ts on ts.train_id = r.train_id) route
     where next_seq is not null
    union
    select r.id, min(ts.seq), max(ts.seq)
      from runs r join train_stops ts on ts.train_id = r.train_id
     group by r.id having count(*) > 1
  ),
  leg_seats as (
    select l.run_id, l.from_seq, l.to_seq, int4range(l.from_seq, l.to_seq) as span, s.id as seat_id, s.class_code
      from legs l join seats s on s.run_id = l.run_id
  )`;

/** SQL: the seat `ls.seat_id` has an active row on leg `ls.span` whose booking `b` matches. */
const occupiedBy = (bookingCondition: string) => `exists (
    select 1 from booking_seats bs join bookings b on b.id = bs.booking_id
     where bs.seat_id = ls.seat_id and bs.active and bs.stops && ls.span and ${bookingCondition})`;

const COUNTS = {
  booked: occupiedBy(CONFIRMED),
  rac: `${occupiedBy(RAC)} and not ${occupiedBy(CONFIRMED)}`,
  held: `${occupiedBy(LIVE_HOLD)} and not ${occupiedBy(CONFIRMED)} and not ${occupiedBy(RAC)}`,
  free: `not ${occupiedBy(`(${CONFIRMED} or ${RAC} or ${LIVE_HOLD})`)}`,
};
type Count = keyof typeof COUNTS;

interface LegRow {
  run_id: number;
  from_seq: number;
  to_seq: number;
}

const legKey = (runId: number, from: number, to: number, classCode: string) =>
  `${runId}|${from}|${to}|${classCode}`;

async function countSeats(em: Em, count: Count): Promise<Map<string, number>> {
  const rows = await query<LegRow & { class_code: string; n: number }>(
    em,
    `with ${LEG_SEATS}
     select run_id, from_seq, to_seq, class_code, count(*)::int as n
       from leg_seats ls
      where ${COUNTS[count]}
      group by run_id, from_seq, to_seq, class_code`,
  );
  return new Map(rows.map((r) => [legKey(r.run_id, r.from_seq, r.to_seq, r.class_code), r.n]));
}

export interface SegmentCount {
  runId: number;
  fromSeq: number;
  toSeq: number;
  classCode: string;
  capacity: number;
  booked: number;
  rac: number;
  held: number;
  free: number;
}

/**
 * The four counts and the capacity for every run, leg and class, each from its own query. Also
 * the reference a test can hold the engine's own availability figures against.
 */
export async function countSegments(em: Em): Promise<SegmentCount[]> {
  // Capacity knows nothing of routes or bookings: seats per run and class.
  const capacity = await query<{ run_id: number; class_code: string; n: number }>(
    em,
    `select run_id, class_code, count(*)::int as n from seats group by run_id, class_code order by run_id, class_code`,
  );
  const legs = await query<LegRow>(
    em,
    `with ${LEG_SEATS} select run_id, from_seq, to_seq from legs order by run_id, from_seq, to_seq desc`,
  );
  const counts = {} as Record<Count, Map<string, number>>;
  for (const count of Object.keys(COUNTS) as Count[]) counts[count] = await countSeats(em, count);

  const legsOfRun = new Map<number, LegRow[]>();
  for (const leg of legs) legsOfRun.set(leg.run_id, [...(legsOfRun.get(leg.run_id) ?? []), leg]);
  return capacity.flatMap((cap) =>
    (legsOfRun.get(cap.run_id) ?? []).map((leg) => {
      const key = legKey(leg.run_id, leg.from_seq, leg.to_seq, cap.class_code);
      const n = (c: Count) => counts[c].get(key) ?? 0;
      return {
        runId: cap.run_id,
        fromSeq: leg.from_seq,
        toSeq: leg.to_seq,
        classCode: cap.class_code,
        capacity: cap.n,
        booked: n('booked'),
        rac: n('rac'),
        held: n('held'),
        free: n('free'),
      };
    }),
  );
}

export const segmentCounts: Check = {
  name: 'segment-counts',
  invariant: 8,
  async run({ em }) {
    const details: string[] = [];
    for (const c of await countSegments(em)) {
      const sum = c.booked + c.rac + c.held + c.free;
      if (sum !== c.capacity) {
        details.push(
          `run ${c.runId} leg ${c.fromSeq}->${c.toSeq} class ${c.classCode}: booked ${c.booked} + rac ${c.rac} + ` +
            `held ${c.held} + free ${c.free} = ${sum}, capacity ${c.capacity}`,
        );
      }
    }
    return details;
  },
};

/**
 * The counts above read a booking's seats by the seat's run and class and the row's stops; each
 * row must agree with its booking on all three, and take a part of one berth.
 */
export const seatRowsMatchBooking: Check = {
  name: 'seat-row-mismatch',
  invariant: 8,
  async run({ em }) {
    const rows = await query<{
      id: string;
      booking_id: string;
      seat_id: string;
      problems: string[];
    }>(
      em,
      `select bs.id, bs.booking_id, bs.seat_id, array_remove(array[
                case when s.run_id <> b.run_id then format('seat is on run %s, booking on run %s', s.run_id, b.run_id) end,
                case when s.class_code <> b.class_code then format('seat is class %s, booking class %s', s.class_code, b.class_code) end,
                case when bs.stops <> int4range(b.from_seq, b.to_seq)
                     then format('stops %s, booking travels %s->%s', bs.stops, b.from_seq, b.to_seq) end,
                case when isempty(bs.part) or not bs.part <@ '[0,2)'::int4range then format('part %s', bs.part) end
              ], null) as problems
         from booking_seats bs
         join bookings b on b.id = bs.booking_id
         join seats s on s.id = bs.seat_id
        where s.run_id <> b.run_id or s.class_code <> b.class_code
           or bs.stops <> int4range(b.from_seq, b.to_seq)
           or isempty(bs.part) or not bs.part <@ '[0,2)'::int4range
        order by bs.id`,
    );
    return rows.map(
      (r) =>
        `booking_seats ${r.id} (booking ${r.booking_id}, seat ${r.seat_id}): ${r.problems.join('; ')}`,
    );
  },
};

export const segmentChecks: Check[] = [segmentCounts, seatRowsMatchBooking];
