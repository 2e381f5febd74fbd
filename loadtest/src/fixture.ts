import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type pg from 'pg';
import { AccessTokens } from '@berth/server/src/modules/auth/jwt.ts';
import { hashPassword } from '@berth/server/src/modules/auth/passwords.ts';
import type { LoadtestOptions, Shape } from './options.ts';
import type { Plan, Segment, WatchTarget } from './plan.ts';

/**
 * The chaos run's extra personas, in ms from the rush instant: a slow consumer (every 20th rush
 * user) that stops reading its socket from 22 s to 30 s, between the Redis restart and the second
 * node kill; and a reconnect storm, every second user reconnecting at once at 45 s, between the
 * PostgreSQL restart and the third kill (see chaos.ts for the faults' times).
 */
const CHAOS_PERSONAS = { slowEvery: 20, slowAtMs: 22_000, slowForMs: 8_000, stormAtMs: 45_000 };

/** Every load-test user can also sign in by hand with this password (one hash for all). */
export const LOADTEST_PASSWORD = 'berth-loadtest';

export interface RunInfo {
  runId: number;
  trainNumber: string;
  serviceDate: string;
  /** Station codes by seq. */
  stops: string[];
  /** Seat ids by class, ascending. */
  seats: Map<string, number[]>;
}

/**
 * Users for every virtual user, inserted in one statement with one precomputed argon2 hash
 * (registering 1,000 over HTTP would spend ~50 s of these two cores hashing), and access tokens
 * signed with the JWT_SECRET the nodes were given: the same tokens `POST /api/auth/register`
 * returns (a family without refresh-token rows counts as not revoked), valid for `ttlSeconds`,
 * longer than the run, so none needs `auth:renew` mid-run.
 */
export async function createUsers(
  pool: pg.Pool,
  opts: { count: number; tag: string; jwtSecret: string; ttlSeconds: number },
): Promise<{ userId: number; token: string }[]> {
  const hash = await hashPassword(LOADTEST_PASSWORD);
  const rows = await pool.query<{ id: string }>(
    `insert into users (email, name, password_hash)
     select 'lt-' || $1 || '-' || n || '@load.berth.dev', 'Load user ' || n, $2
       from generate_series(1, $3::int) n
     order by n
     returning id`,
    [opts.tag, hash, opts.count],
  );
  const tokens = new AccessTokens(() => Promise.resolve(opts.jwtSecret), opts.ttlSeconds);
  const ids = rows.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  return Promise.all(
    ids.map(async (userId) => ({
      userId,
      token: (await tokens.sign({ userId, role: 'user', familyId: randomUUID() })).token,
    })),
  );
}

/** Artillery's payload: one row per virtual user, read in sequence. */
export function writePayload(file: string, users: { userId: number; token: string }[]) {
  const lines = ['index,userId,token', ...users.map((u, i) => `${i},${u.userId},${u.token}`)];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The seeded runs of the service dates in the window, with their routes and seats. */
export async function loadRuns(pool: pg.Pool): Promise<RunInfo[]> {
  const runs = await pool.query<{
    id: number;
    number: string;
    service_date: string;
    stops: string[];
  }>(
    `select r.id, t.number, to_char(r.service_date, 'YYYY-MM-DD') as service_date,
            array_agg(st.code order by ts.seq) as stops
       from runs r
       join trains t on t.id = r.train_id
       join train_stops ts on ts.train_id = t.id
       join stations st on st.id = ts.station_id
      where not r.demo and r.status = 'scheduled' and r.departs_at > now() + interval '1 hour'
      group by r.id, t.number
      order by r.service_date, r.id`,
  );
  const seats = await pool.query<{ run_id: number; class_code: string; ids: string[] }>(
    `select run_id, class_code, array_agg(id order by id) as ids from seats group by run_id, class_code`,
  );
  const byRun = new Map<number, Map<string, number[]>>();
  for (const s of seats.rows) {
    const m = byRun.get(s.run_id) ?? new Map<string, number[]>();
    m.set(s.class_code, s.ids.map(Number));
    byRun.set(s.run_id, m);
  }
  return runs.rows.map((r) => ({
    runId: r.id,
    trainNumber: r.number,
    serviceDate: r.service_date,
    stops: r.stops,
    seats: byRun.get(r.id) ?? new Map(),
  }));
}

/** The whole route and its two halves: journeys that overlap each other in every way. */
function segmentsOf(run: RunInfo): Segment[] {
  const last = run.stops.length - 1;
  const mid = Math.floor(last / 2);
  return [
    { from: run.stops[0]!, to: run.stops[last]! },
    { from: run.stops[0]!, to: run.stops[mid]! },
    { from: run.stops[mid]!, to: run.stops[last]! },
  ];
}

const targetsOf = (runs: RunInfo[]): WatchTarget[] =>
  runs.flatMap((run) => segmentsOf(run).map((s) => ({ runId: run.runId, ...s })));

/**
 * Who does what, where: the rush on every train of the third service date (a tatkal opening
 * opens all of a day's trains at once; more users than seats, so many keep trying after they
 * sell out), the snipers on the fourth date's first train, buyers and kiosks on the fifth date
 * (so the personas do not sell each other's seats), watchers spread over all three dates.
 */
export function buildPlan(args: {
  options: LoadtestOptions;
  shape: Shape;
  runs: RunInfo[];
  dir: string;
  httpTarget: string;
}): Plan {
  const { options: o, shape, runs, dir } = args;
  const dates = [...new Set(runs.map((r) => r.serviceDate))].sort();
  if (dates.length < 3) throw new Error(`the catalog has runs on ${dates.length} dates; need 3`);
  const on = (i: number) =>
    runs.filter((r) => r.serviceDate === dates[Math.min(i, dates.length - 1)]);
  const rushRuns = on(2);
  const sniperRun = on(3)[0]!;
  const buyerDate = dates[Math.min(4, dates.length - 1)]!;

  // Each round races for three seats of its own (sleeper berths where the train has them).
  const hotPool = sniperRun.seats.get('SL') ?? [...sniperRun.seats.values()][0] ?? [];
  const firstRoundMs = 4000;
  const roundEveryMs = 4000;
  const rounds = Math.max(1, Math.floor((shape.loadEndMs - firstRoundMs) / roundEveryMs));
  const hotSeats = Array.from(
    { length: Math.min(rounds, Math.floor(hotPool.length / 3)) },
    (_, r) => hotPool.slice(r * 3, r * 3 + 3),
  );

  return {
    scenario: o.scenario,
    seed: o.seed,
    dir,
    httpTarget: args.httpTarget,
    ackTimeoutMs: o.ackTimeoutMs,
    chaos: o.chaos ? CHAOS_PERSONAS : null,
    timeline: {
      arriveMs: shape.arriveMs,
      rushAtMs: shape.rushAtMs,
      rushMs: shape.rushMs,
      rampMs: shape.rampMs,
      loadEndMs: shape.loadEndMs,
      drainWaitMs: 180_000,
    },
    rush: {
      targets: targetsOf(rushRuns),
      peakPerSecond: o.peak,
      participants: shape.rushUsers,
    },
    snipers: {
      runId: sniperRun.runId,
      segments: segmentsOf(sniperRun),
      hotSeats,
      firstRoundMs,
      roundEveryMs,
    },
    buyers: {
      date: buyerDate,
      searches: [
        { from: 'NDLS', to: 'BCT' },
        { from: 'KOTA', to: 'BCT' },
        { from: 'BRC', to: 'ST' },
        { from: 'ADI', to: 'BCT' },
        { from: 'JP', to: 'KOTA' },
        { from: 'KOTA', to: 'ST' },
        { from: 'BRC', to: 'BCT' },
      ],
      releaseShare: 0.15,
      cancelShare: 0.2,
    },
    kiosks: { date: buyerDate, stations: ['NDLS', 'KOTA', 'BRC', 'ST', 'ADI', 'JP'] },
    watchers: { targets: targetsOf([...on(2), ...on(3), ...on(4)]) },
  };
}
