import { TIMETABLE_TIME_ZONE } from '@berth/shared';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { UserActor } from '../../src/engine.ts';

export interface TestRun {
  runId: number;
  /** Station codes in route order: stops[0] is seq 0. */
  stops: string[];
  /** Seat ids by class code, in seat order. */
  seats: Record<string, number[]>;
  departsAt: Date;
}

let counter = 0;
/** A station code not yet used in this test database. */
export const uniqueCode = () => {
  counter++;
  // Two to six letters, unique within a test database.
  let n = counter + Math.floor(Math.random() * 1e6) * 1000;
  let code = '';
  for (let i = 0; i < 5; i++) {
    code += String.fromCharCode(65 + (n % 26));
    n = Math.floor(n / 26);
  }
  return `X${code}`;
};

/**
 * A train of `stops` stations 100 km and 60 minutes apart, with one run departing in
 * `departsInMinutes`, and `seatsPerClass` seats in each class (CC chair car, SL sleeper).
 * `codes` names the route's stations instead: existing ones are reused (trains that share a
 * station), the rest created.
 */
export async function createTestRun(
  pool: pg.Pool,
  opts: {
    stops?: number;
    seatsPerClass?: number;
    departsInMinutes?: number;
    departsAt?: Date;
    codes?: string[];
    /** How many of the SL class's last seats are RAC berths (sold only as halves, by request). */
    racSeats?: number;
  } = {},
): Promise<TestRun> {
  const stopCount = opts.codes?.length ?? opts.stops ?? 5;
  const seatsPerClass = opts.seatsPerClass ?? 8;
  const departsAt =
    opts.departsAt ?? new Date(Date.now() + (opts.departsInMinutes ?? 24 * 60) * 60_000);
  await pool.query(`
    insert into travel_classes (code, name, base_fare_paise, per_km_paise, sort_order) values
      ('SL', 'Sleeper', 2000, 50, 1), ('CC', 'AC Chair Car', 4000, 110, 2)
    on conflict do nothing`);
  const codes = opts.codes ?? Array.from({ length: stopCount }, uniqueCode);
  const stationIds: number[] = [];
  for (const code of codes) {
    const r = await pool.query<{ id: number }>(
      `insert into stations (code, name, city) values ($1, $2, $2)
       on conflict (code) do update set code = excluded.code returning id`,
      [code, `Station ${code}`],
    );
    stationIds.push(r.rows[0]!.id);
  }
  const train = await pool.query<{ id: number }>(
    `insert into trains (number, name) values ($1, $2) returning id`,
    [String(10000 + Math.floor(Math.random() * 89999)) + randomUUID().slice(0, 4), 'Test Express'],
  );
  const trainId = train.rows[0]!.id;
  for (let seq = 0; seq < stopCount; seq++) {
    await pool.query(
      `insert into train_stops (train_id, seq, station_id, arrival_offset_min, departure_offset_min, km)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        trainId,
        seq,
        stationIds[seq],
        seq === 0 ? null : seq * 60,
        seq === stopCount - 1 ? null : seq * 60 + 5,
        seq * 100,
      ],
    );
  }
  const run = await pool.query<{ id: number }>(
    `insert into runs (train_id, service_date, departs_at) values ($1, $2::date, $3) returning id`,
    [trainId, localDate(departsAt), departsAt],
  );
  const runId = run.rows[0]!.id;
  const seats: Record<string, number[]> = {};
  for (const [i, [classCode, berths]] of (
    [
      ['SL', ['LB', 'MB', 'UB', 'LB', 'MB', 'UB', 'SL', 'SU']],
      ['CC', ['WS', 'MS', 'AS', 'AS', 'WS']],
    ] as const
  ).entries()) {
    const coach = await pool.query<{ id: number }>(
      `insert into coaches (train_id, code, class_code, layout, position) values ($1, $2, $3, 'test', $4) returning id`,
      [trainId, classCode === 'SL' ? 'S1' : 'C1', classCode, i],
    );
    const r = await pool.query<{ id: string }>(
      `insert into seats (run_id, coach_id, number, berth, class_code)
       select $1, $2, n, ($4::text[])[1 + (n - 1) % array_length($4::text[], 1)], $3
         from generate_series(1, $5) n
       returning id`,
      [runId, coach.rows[0]!.id, classCode, berths, seatsPerClass],
    );
    seats[classCode] = r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
  }
  if (opts.racSeats) {
    await pool.query(`update seats set rac = true where id = any($1)`, [
      seats.SL!.slice(-opts.racSeats),
    ]);
  }
  return { runId, stops: codes, seats, departsAt };
}

export async function createUser(
  pool: pg.Pool,
  role: 'user' | 'admin' = 'user',
): Promise<UserActor> {
  const r = await pool.query<{ id: string }>(
    `insert into users (email, name, password_hash, role) values ($1, 'Test', 'not-a-hash', $2) returning id`,
    [`${randomUUID()}@test.berth.dev`, role],
  );
  return { userId: Number(r.rows[0]!.id), role };
}

export async function createUsers(pool: pg.Pool, n: number): Promise<UserActor[]> {
  return Promise.all(Array.from({ length: n }, () => createUser(pool)));
}

let keyCounter = 0;
/** A fresh idempotency key. */
export const key = (prefix = 'k') =>
  `${prefix}-${Date.now()}-${++keyCounter}-${randomUUID().slice(0, 8)}`;

/** A hold request for `seatIds` on `run` from stop index `from` to `to`. */
export function holdInput(
  run: TestRun,
  seatIds: number[],
  from = 0,
  to = run.stops.length - 1,
  idempotencyKey = key('hold'),
) {
  return {
    runId: run.runId,
    from: run.stops[from]!,
    to: run.stops[to]!,
    seatIds,
    passengers: seatIds.map((_, i) => ({ name: `Passenger ${i + 1}`, age: 30 + i })),
    idempotencyKey,
  };
}

/** Settles every promise and returns the error codes (or 'OK') in order. */
export async function outcomes(promises: Promise<unknown>[]): Promise<string[]> {
  return codesOf(await Promise.allSettled(promises));
}

export function codesOf(results: PromiseSettledResult<unknown>[]): string[] {
  return results.map((r) => {
    if (r.status === 'fulfilled') return 'OK';
    const reason = r.reason as { code?: unknown; message?: unknown };
    return typeof reason.code === 'string' && /^[A-Z_]+$/.test(reason.code)
      ? reason.code
      : `ERROR: ${String(reason.message)}`;
  });
}

/** The service-local date (the timetable's zone, BERTH_TIMEZONE's default) of an instant. */
export function localDate(d: Date, timeZone = TIMETABLE_TIME_ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(d);
}
