import pg from 'pg';
import { TIMETABLE_TIME_ZONE } from '@berth/shared';
import { PG_PORT } from './server.ts';

/**
 * The e2e node's own embedded PostgreSQL (wiped at every run), for the few situations a test
 * cannot reach through the app in its time: a train that has already left, say. Tests only add
 * rows of their own here, never change the seeded ones.
 */
export async function withDatabase<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({
    connectionString: `postgres://postgres:postgres@127.0.0.1:${PG_PORT}/postgres`,
  });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

export interface OwnRun {
  runId: number;
  trainNumber: string;
  /** ISO: when it leaves (or left) New Delhi. */
  departsAt: string;
}

/**
 * A train of the test's own, New Delhi -> Jaipur with one chair car of 10 seats, running today
 * and leaving New Delhi at `departsAt`. Its service date is today in India: a train that left a
 * few minutes ago is one a passenger searching today still finds.
 */
export async function createOwnRun(departsAt: Date): Promise<OwnRun> {
  const trainNumber = `E${Date.now().toString(36).slice(-5).toUpperCase()}`;
  return withDatabase(async (db) => {
    const train = await db.query<{ id: number }>(
      `insert into trains (number, name) values ($1, 'Test Departed Express') returning id`,
      [trainNumber],
    );
    const trainId = train.rows[0]!.id;
    await db.query(
      `insert into train_stops (train_id, seq, station_id, arrival_offset_min, departure_offset_min, km)
       select $1, s.seq, st.id, s.arr, s.dep, s.km
         from (values (0, 'NDLS', null::int, 0, 0), (1, 'JP', 280, null::int, 308))
              as s (seq, code, arr, dep, km)
         join stations st on st.code = s.code`,
      [trainId],
    );
    const coach = await db.query<{ id: number }>(
      `insert into coaches (train_id, code, class_code, layout, position)
       values ($1, 'C1', 'CC', 'chair-3x2', 1) returning id`,
      [trainId],
    );
    const run = await db.query<{ id: number }>(
      `insert into runs (train_id, service_date, departs_at)
       values ($1, ($2::timestamptz at time zone $3)::date, $2) returning id`,
      [trainId, departsAt.toISOString(), TIMETABLE_TIME_ZONE],
    );
    await db.query(
      `insert into seats (run_id, coach_id, number, berth, class_code)
       select $1, $2, n, (array['WS','MS','AS','AS','WS'])[1 + (n - 1) % 5], 'CC'
         from generate_series(1, 10) n`,
      [run.rows[0]!.id, coach.rows[0]!.id],
    );
    return { runId: run.rows[0]!.id, trainNumber, departsAt: departsAt.toISOString() };
  });
}
