import type { Em } from '../../common/sql.ts';
import { queryOne, query } from '../../common/sql.ts';
import { TIMETABLE_TIME_ZONE } from '@berth/shared';
import { TRAINS, TRAVEL_CLASSES, type CoachSpec, type TrainSpec } from './catalog-data.ts';
import { layoutSeats } from './seat-layouts.ts';

export interface ServiceWindow {
  /** First and last service date, "YYYY-MM-DD", both included. */
  first: string;
  last: string;
}

/** `days` service dates starting with the local date of `now` in the catalog's time zone. */
export async function serviceWindow(em: Em, now: Date, days: number): Promise<ServiceWindow> {
  // PostgreSQL's time zone data decides the local date, the same data that stores departs_at.
  const row = await queryOne<ServiceWindow>(
    em,
    `select to_char(d, 'YYYY-MM-DD') as first, to_char(d + (?::int - 1), 'YYYY-MM-DD') as last
       from (select (?::timestamptz at time zone ?)::date as d) today`,
    [days, now.toISOString(), TIMETABLE_TIME_ZONE],
  );
  if (!row) throw new Error('no service window');
  return row;
}

/**
 * One run per train and service date in the window, leaving existing runs alone, so seeding
 * again on a later day only adds the days that are new. Existing rows are skipped before the
 * insert, not only on conflict, so a re-seed draws no ids from the sequences.
 */
export async function seedRuns(em: Em, window: ServiceWindow): Promise<void> {
  const departures = TRAINS.map(({ number, departs }) => ({ number, departs }));
  // date + time is a local timestamp; `at time zone` turns it into the instant it means there.
  await query(
    em,
    `insert into runs (train_id, service_date, departs_at, status, demo)
     select t.id, d::date, (d::date + s.departs::time) at time zone ?, 'scheduled', false
       from jsonb_to_recordset(?::jsonb) as s (number text, departs text)
       join trains t on t.number = s.number
      cross join generate_series(?::date, ?::date, interval '1 day') d
      where not exists (select 1 from runs x where x.train_id = t.id and x.service_date = d::date)
      order by d, t.id
     on conflict (train_id, service_date) do nothing`,
    [TIMETABLE_TIME_ZONE, JSON.stringify(departures), window.first, window.last],
  );
}

/**
 * Every seat of every coach for each non-demo run in the window, in one statement: the seat
 * template (coach by coach, with berths) is joined to the runs and their coaches.
 */
export async function seedSeats(em: Em, window: ServiceWindow): Promise<void> {
  const template = TRAINS.flatMap((t) =>
    t.coaches.flatMap((c) => {
      const rac = racNumbers(t, c);
      return layoutSeats(c.layout, c.seats).map((s) => ({
        train: t.number,
        coach: c.code,
        ...s,
        rac: rac.has(s.number),
      }));
    }),
  );
  await query(
    em,
    `insert into seats (run_id, coach_id, number, berth, class_code, rac)
     select r.id, c.id, s.number, s.berth, c.class_code, s.rac
       from jsonb_to_recordset(?::jsonb) as s (train text, coach text, number int, berth text, rac boolean)
       join trains t on t.number = s.train
       join coaches c on c.train_id = t.id and c.code = s.coach
       join runs r on r.train_id = t.id and not r.demo and r.service_date between ?::date and ?::date
      where not exists (select 1 from seats x where x.run_id = r.id and x.coach_id = c.id and x.number = s.number)
      order by r.id, c.position, s.number
     on conflict (run_id, coach_id, number) do nothing`,
    [JSON.stringify(template), window.first, window.last],
  );
}

/**
 * The RAC berths of a coach: the last `racBerths` side lowers of its class, found in the class's
 * last coach (TRAVEL_CLASSES); none in any other coach.
 */
function racNumbers(train: TrainSpec, coach: CoachSpec): Set<number> {
  const racBerths = TRAVEL_CLASSES.find((c) => c.code === coach.classCode)?.racBerths ?? 0;
  const lastOfClass = train.coaches.filter((c) => c.classCode === coach.classCode).at(-1);
  if (racBerths === 0 || lastOfClass !== coach) return new Set();
  const sideLowers = layoutSeats(coach.layout, coach.seats).filter((s) => s.berth === 'SL');
  return new Set(sideLowers.slice(-racBerths).map((s) => s.number));
}
