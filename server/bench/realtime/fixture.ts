import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { AccessTokens } from '../../src/modules/auth/jwt.ts';
import type { HoldPlan } from './protocol.ts';

/**
 * Eleven stops: ten one-stop segments, and stops have a five-minute halt, so one user may hold
 * every segment (the journeys do not overlap) and each seat takes ten holds. Capacity of a run:
 * seats x 10 holds, with the seat map (every watcher's `run:watch` snapshot) kept small.
 */
const STOPS = ['RTA', 'RTB', 'RTC', 'RTD', 'RTE', 'RTF', 'RTG', 'RTH', 'RTI', 'RTJ', 'RTK'];

export interface RealtimeFixture {
  /** One run per transport measured, so each side starts from the same empty run. */
  runIds: number[];
  stops: string[];
  /** Seat ids of each run, in seat order. */
  seatIds: number[][];
  userIds: number[];
}

/** A train of STOPS, `runs` runs a day apart, `seats` seats per run and `seats` users. */
export async function seedRealtimeFixture(
  pool: pg.Pool,
  runs: number,
  seats: number,
): Promise<RealtimeFixture> {
  await pool.query(
    `insert into travel_classes (code, name, base_fare_paise, per_km_paise, sort_order)
     values ('SL', 'Sleeper', 2000, 50, 1)`,
  );
  const stationIds: number[] = [];
  for (const code of STOPS) {
    const r = await pool.query<{ id: number }>(
      `insert into stations (code, name, city) values ($1, $2, $2) returning id`,
      [code, `Realtime ${code}`],
    );
    stationIds.push(r.rows[0]!.id);
  }
  const train = await pool.query<{ id: number }>(
    `insert into trains (number, name) values ('90101', 'Realtime Express') returning id`,
  );
  const trainId = train.rows[0]!.id;
  const last = STOPS.length - 1;
  for (const [seq, stationId] of stationIds.entries()) {
    await pool.query(
      `insert into train_stops (train_id, seq, station_id, arrival_offset_min, departure_offset_min, km)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        trainId,
        seq,
        stationId,
        seq === 0 ? null : seq * 60,
        seq === last ? null : seq * 60 + 5,
        seq * 100,
      ],
    );
  }
  const coach = await pool.query<{ id: number }>(
    `insert into coaches (train_id, code, class_code, layout, position)
     values ($1, 'S1', 'SL', 'bench', 0) returning id`,
    [trainId],
  );
  const runIds: number[] = [];
  const seatIds: number[][] = [];
  for (let r = 0; r < runs; r++) {
    // Two days ahead and a day apart: every journey is in the future and no two runs overlap.
    const departsAt = new Date(Date.now() + (2 + r) * 24 * 3600_000);
    departsAt.setUTCSeconds(0, 0);
    const run = await pool.query<{ id: number }>(
      `insert into runs (train_id, service_date, departs_at) values ($1, $2::date, $3) returning id`,
      [trainId, departsAt.toISOString().slice(0, 10), departsAt],
    );
    const runId = run.rows[0]!.id;
    const rows = await pool.query<{ id: string }>(
      `insert into seats (run_id, coach_id, number, berth, class_code)
       select $1, $2, n, (array['LB','MB','UB','LB','MB','UB','SL','SU'])[1 + (n - 1) % 8], 'SL'
         from generate_series(1, $3::int) n
       returning id`,
      [runId, coach.rows[0]!.id, seats],
    );
    runIds.push(runId);
    seatIds.push(rows.rows.map((x) => Number(x.id)).sort((a, b) => a - b));
  }
  const users = await pool.query<{ id: string }>(
    `insert into users (email, name, password_hash)
     select 'realtime-' || n || '@bench.berth.dev', 'Realtime ' || n, 'not-a-hash'
       from generate_series(1, $1::int) n
     returning id`,
    [seats],
  );
  await pool.query(`vacuum analyze`);
  return {
    runIds,
    stops: STOPS,
    seatIds,
    userIds: users.rows.map((x) => Number(x.id)).sort((a, b) => a - b),
  };
}

/** Holds a run can take: every seat on every one-stop segment. */
export const capacityOf = (f: RealtimeFixture) => f.seatIds[0]!.length * (f.stops.length - 1);

export function holdPlan(f: RealtimeFixture, side: number, keyPrefix: string): HoldPlan {
  return { runId: f.runIds[side]!, stops: f.stops, seatIds: f.seatIds[side]!, keyPrefix };
}

/**
 * Access tokens for the seeded users, signed with the JWT_SECRET the nodes are given: the same
 * tokens `POST /api/auth/register` would return, without hashing a password per user (argon2
 * costs tens of ms of CPU each on these two cores). A family with no refresh token rows counts as
 * not revoked, which is what a fresh sign-in is.
 */
export async function signTokens(secret: string, userIds: number[]): Promise<string[]> {
  const tokens = new AccessTokens(() => Promise.resolve(secret), 3600);
  return Promise.all(
    userIds.map(
      async (userId) => (await tokens.sign({ userId, role: 'user', familyId: randomUUID() })).token,
    ),
  );
}
