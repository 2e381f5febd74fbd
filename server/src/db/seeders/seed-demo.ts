import { TIMETABLE_TIME_ZONE } from '@berth/shared';
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

export const DEMO_CONTENDERS = 50;
export const DEMO_TRAIN_NUMBER = 'RACE1';
/** How far ahead the demo run is, and how close it may come before it is moved ahead again. */
const DEMO_DAYS_AHEAD = 30;
const DEMO_ROLL_WITHIN_DAYS = 7;
export const demoEmail = (i: number) => `demo${String(i).padStart(2, '0')}@berth.dev`;

/**
 * The race demo's cast and stage: users demo01..demo50 (they never sign in: the server races as
 * them, and they are exempt from rate limits) and one demo-only run of a two-stop train, a month
 * ahead, that searches never show. Idempotent.
 */
export async function seedDemo(em: Em): Promise<void> {
  const existing = await query<{ n: string }>(
    em,
    `select count(*) as n from users where email like 'demo__@berth.dev'`,
  );
  if (Number(existing[0]?.n ?? 0) < DEMO_CONTENDERS) {
    // One hash of a secret nobody knows: these accounts cannot be signed into.
    const passwordHash = await hash(randomBytes(32).toString('base64url'));
    const emails = Array.from({ length: DEMO_CONTENDERS }, (_, i) => demoEmail(i + 1));
    await query(
      em,
      `insert into users (email, name, password_hash, role)
       select e, 'Racer ' || substr(e, 5, 2), ?, 'user' from unnest(?::text[]) as e
       on conflict (email) do nothing`,
      [passwordHash, emails],
    );
  }
  await query(
    em,
    `insert into trains (number, name) values (?, 'Race Express') on conflict (number) do nothing`,
    [DEMO_TRAIN_NUMBER],
  );
  await query(
    em,
    `insert into train_stops (train_id, seq, station_id, arrival_offset_min, departure_offset_min, km)
     select t.id, s.seq, st.id, s.arr, s.dep, s.km
       from trains t
       cross join (values (0, 'NDLS', null::int, 0, 0), (1, 'JP', 300, null::int, 308)) as s (seq, code, arr, dep, km)
       join stations st on st.code = s.code
      where t.number = ?
     on conflict (train_id, seq) do nothing`,
    [DEMO_TRAIN_NUMBER],
  );
  await query(
    em,
    `insert into coaches (train_id, code, class_code, layout, position)
     select id, 'C1', 'CC', 'chair-3x2', 1 from trains where number = ?
     on conflict (train_id, code) do nothing`,
    [DEMO_TRAIN_NUMBER],
  );
  await query(
    em,
    `insert into runs (train_id, service_date, departs_at, demo)
     select t.id, d, (d + time '09:00') at time zone ?, true
       from trains t, (select current_date + ?::int as d) day
      where t.number = ? and not exists (select 1 from runs r where r.train_id = t.id and r.demo)`,
    [TIMETABLE_TIME_ZONE, DEMO_DAYS_AHEAD, DEMO_TRAIN_NUMBER],
  );
  // Created a month ahead once; a month ahead again at every start once it gets within a week,
  // or a month later every race would be refused as already departed. Its bookings' journeys move
  // with it, so they stay the times of the run they are on.
  await query(
    em,
    `with due as (
       select r.id, (current_date + ?::int) - r.service_date as days
         from runs r join trains t on t.id = r.train_id
        where t.number = ? and r.demo and r.service_date < current_date + ?::int
     ), moved as (
       update runs r set service_date = r.service_date + due.days,
                         departs_at = r.departs_at + make_interval(days => due.days)
         from due where r.id = due.id
       returning r.id
     )
     update bookings b
        set journey = tstzrange(lower(b.journey) + make_interval(days => due.days),
                                upper(b.journey) + make_interval(days => due.days))
       from due where b.run_id = due.id`,
    [DEMO_DAYS_AHEAD, DEMO_TRAIN_NUMBER, DEMO_ROLL_WITHIN_DAYS],
  );
  await query(
    em,
    `insert into seats (run_id, coach_id, number, berth, class_code)
     select r.id, c.id, n, (array['WS','MS','AS','AS','WS'])[1 + (n - 1) % 5], 'CC'
       from runs r join trains t on t.id = r.train_id join coaches c on c.train_id = t.id
       cross join generate_series(1, 20) n
      where t.number = ? and r.demo
     on conflict (run_id, coach_id, number) do nothing`,
    [DEMO_TRAIN_NUMBER],
  );
}
