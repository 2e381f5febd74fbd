import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../src/common/logger.ts';
import { defaultDataDir } from '../src/common/paths.ts';
import { redact } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded/embedded-postgres.ts';
import { createOrm, migrate } from '../src/db/orm.ts';

/** Port of the bench's own embedded PostgreSQL, apart from the app's (54329) and the tests' (54339). */
const EMBEDDED_PORT = 54349;

/** Things to undo, last first: run on success, on error and on Ctrl-C alike. */
export class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<void> }[] = [];

  add(what: string, undo: () => Promise<void>) {
    this.steps.push({ what, undo });
  }

  async run() {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        console.error(`cleanup: ${step.what} failed: ${String(err)}`);
      }
    }
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh, migrated database for this bench run: on DATABASE_URL's server if set, else on an
 * embedded PostgreSQL under .data/bench. Dropping it (and stopping the server) is registered
 * with `cleanup` as soon as each exists.
 */
export async function openBenchDatabase(log: Logger, cleanup: Cleanup): Promise<string> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = await startEmbeddedPostgres(
      path.join(defaultDataDir, 'bench'),
      EMBEDDED_PORT,
      log,
    );
    cleanup.add('stop embedded PostgreSQL', () => handle.stop());
    serverUrl = handle.url;
  }
  const { url } = await createMigratedDatabase(serverUrl, `berth_bench_${process.pid}`, cleanup);
  console.log(`database: ${redact(url)}${process.env.DATABASE_URL ? '' : ' (embedded)'}`);
  return url;
}

/**
 * A fresh, migrated database `name` on `serverUrl`'s server. Dropping it is registered with
 * `cleanup` as soon as it exists; `drop` does it sooner.
 */
export async function createMigratedDatabase(serverUrl: string, name: string, cleanup: Cleanup) {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists "${name}" with (force)`);
  await admin(`create database "${name}"`);
  const drop = () => admin(`drop database if exists "${name}" with (force)`);
  cleanup.add(`drop database ${name}`, drop);
  const url = withDatabase(serverUrl, name);
  const orm = await createOrm({ url, poolMax: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
  return { url, drop };
}

/** One run with `size` seats in one class, and `size` users: one fresh user and seat per hold. */
export interface BenchFixture {
  runId: number;
  from: string;
  to: string;
  fromSeq: number;
  toSeq: number;
  /** Boarding and arrival instants, as the engine derives them from the route. */
  journey: [Date, Date];
  classCode: string;
  farePaise: number;
  trainNumber: string;
  trainName: string;
  serviceDate: string;
  seatIds: number[];
  userIds: number[];
}

const STOPS = ['BNA', 'BNB', 'BNC', 'BND', 'BNE'];
/** The name the fixture gives a station of STOPS. */
export const benchStationName = (code: string) => `Bench ${code}`;
const BASE_FARE = 2000;
const PER_KM = 50;

/** Built with set-based SQL: tens of thousands of rows in a second or two. */
export async function seedFixture(pool: pg.Pool, size: number): Promise<BenchFixture> {
  await pool.query(
    `insert into travel_classes (code, name, base_fare_paise, per_km_paise, sort_order)
     values ('SL', 'Sleeper', $1, $2, 1)`,
    [BASE_FARE, PER_KM],
  );
  const stationIds: number[] = [];
  for (const code of STOPS) {
    const r = await pool.query<{ id: number }>(
      `insert into stations (code, name, city) values ($1, $2, $2) returning id`,
      [code, benchStationName(code)],
    );
    stationIds.push(r.rows[0]!.id);
  }
  const trainNumber = '90001';
  const trainName = 'Bench Express';
  const train = await pool.query<{ id: number }>(
    `insert into trains (number, name) values ($1, $2) returning id`,
    [trainNumber, trainName],
  );
  const trainId = train.rows[0]!.id;
  // Stops 100 km and 60 minutes apart, five minutes' halt, as the test fixtures.
  const last = STOPS.length - 1;
  const offsets = STOPS.map((_, seq) => ({
    arrival: seq === 0 ? null : seq * 60,
    departure: seq === last ? null : seq * 60 + 5,
  }));
  for (const [seq, stationId] of stationIds.entries()) {
    await pool.query(
      `insert into train_stops (train_id, seq, station_id, arrival_offset_min, departure_offset_min, km)
       values ($1, $2, $3, $4, $5, $6)`,
      [trainId, seq, stationId, offsets[seq]!.arrival, offsets[seq]!.departure, seq * 100],
    );
  }
  // Two days ahead: every hold's boarding time is in the future for the whole run.
  const departsAt = new Date(Date.now() + 2 * 24 * 3600_000);
  departsAt.setUTCSeconds(0, 0);
  const serviceDate = departsAt.toISOString().slice(0, 10);
  const run = await pool.query<{ id: number }>(
    `insert into runs (train_id, service_date, departs_at) values ($1, $2::date, $3) returning id`,
    [trainId, serviceDate, departsAt],
  );
  const runId = run.rows[0]!.id;
  const coach = await pool.query<{ id: number }>(
    `insert into coaches (train_id, code, class_code, layout, position) values ($1, 'S1', 'SL', 'bench', 0) returning id`,
    [trainId],
  );
  const seats = await pool.query<{ id: string }>(
    `insert into seats (run_id, coach_id, number, berth, class_code)
     select $1, $2, n, (array['LB','MB','UB','LB','MB','UB','SL','SU'])[1 + (n - 1) % 8], 'SL'
       from generate_series(1, $3::int) n
     returning id`,
    [runId, coach.rows[0]!.id, size],
  );
  const users = await pool.query<{ id: string }>(
    `insert into users (email, name, password_hash)
     select 'bench-' || n || '@bench.berth.dev', 'Bench ' || n, 'not-a-hash'
       from generate_series(1, $1::int) n
     returning id`,
    [size],
  );
  await pool.query(`vacuum analyze`);
  const minutes = (m: number) => new Date(departsAt.getTime() + m * 60_000);
  return {
    runId,
    from: STOPS[0]!,
    to: STOPS[last]!,
    fromSeq: 0,
    toSeq: last,
    journey: [minutes(offsets[0]!.departure ?? 0), minutes(offsets[last]!.arrival ?? 0)],
    classCode: 'SL',
    farePaise: BASE_FARE + PER_KM * last * 100,
    trainNumber,
    trainName,
    serviceDate,
    seatIds: seats.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
    userIds: users.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
  };
}

/** The tables a hold writes; TRUNCATE empties them but keeps their column statistics. */
const HOLD_TABLES = 'bookings, booking_seats, idempotency_keys, audit_log, outbox';

/**
 * Gathers column statistics from a window's worth of holds, as autovacuum would on a live
 * database. Without them the planner guesses a tiny selectivity for the range `&&` conditions and
 * may serve the seat-overlap check from the GiST exclusion index with `seat_id = any(...)` as a
 * mere filter: a scan of every active booking seat, per hold (see the plans printed).
 */
export async function analyzeHoldTables(pool: pg.Pool) {
  await pool.query(`analyze ${HOLD_TABLES}`);
}

/**
 * Forgets every hold, so the next timed window starts from the same empty state with all seats
 * and users fresh again. Outside the timed window: vacuum the seats' bumped versions away and
 * checkpoint, so no window pays for the previous one's WAL or dead rows.
 */
export async function resetBookings(pool: pg.Pool) {
  await pool.query(`truncate ${HOLD_TABLES}, payments, refunds cascade`);
  await pool.query(`vacuum analyze seats, users`);
  await pool.query(`checkpoint`);
}
