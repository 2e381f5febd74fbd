/**
 * Engine benchmark: holds per second of fresh seats through the engine at concurrency 1, 8 and
 * 32, against the hold's fourteen steps sent one by one as raw SQL through `pg` with the same
 * pool size, and against PostgreSQL's own `pgbench -M prepared` running exactly the engine's
 * statements (the database's ceiling) and the fourteen steps; then the latency of the 49 losers
 * when 50 users race for one seat. First, where one hold's time goes.
 *
 *   pnpm bench:engine                          10 s per level and path, 3 rounds, medians
 *   BENCH_SECONDS=1 BENCH_ROUNDS=1 pnpm bench:engine     a smoke run
 *
 * The last line is `BENCH {...}` for machines; everything above it is for people.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createLogger } from '../src/common/logger.ts';
import { loadConfig } from '../src/config/env.ts';
import { createOrm } from '../src/db/orm.ts';
import { createEngine, type Engine } from '../src/engine.ts';
import {
  analyzeHoldTables,
  Cleanup,
  openBenchDatabase,
  resetBookings,
  seedFixture,
  type BenchFixture,
} from './bench-db.ts';
import { report, type Path } from './engine-report.ts';
import { explainHotStatements } from './explain.ts';
import { profileHolds, tapDriver } from './hold-profile.ts';
import { APT_HINT, findPgbench, holdScript, runPgbench, stepwiseScript } from './pgbench.ts';
import { holdRequest, rawHold } from './raw-hold.ts';
import { envNumber } from './stats.ts';

const SECONDS = envNumber('BENCH_SECONDS', 10);
const ROUNDS = Math.round(envNumber('BENCH_ROUNDS', 3));
const LEVELS = [1, 8, 32] as const;
/** Fresh seats and users per timed window: above what 10 s at the pgbench ceiling would use. */
const FIXTURE_SIZE = Math.round(envNumber('BENCH_FIXTURE_SIZE', 60_000));
const CONTENDERS = 50;
const LOSER_ROUNDS = Math.round(envNumber('BENCH_LOSER_ROUNDS', 20));
const LOSER_POOL = 60;
const WARMUP_SECONDS = Math.min(1, SECONDS);
/** Holds one after another for the profile of where a hold's time goes. */
const PROFILE_HOLDS = 300;

type HoldFn = (i: number) => Promise<void>;

const log = createLogger('warn', 'bench');
const config = loadConfig({});

/** Holds the i-th fresh seat by the i-th fresh user, from `concurrency` loops, until time is up. */
async function timedWindow(concurrency: number, seconds: number, limit: number, hold: HoldFn) {
  let next = 0;
  let count = 0;
  let exhausted = false;
  let failed = false;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async () => {
    while (!failed && performance.now() < deadline) {
      const i = next++;
      if (i >= limit) {
        exhausted = true;
        return;
      }
      try {
        await hold(i);
      } catch (err) {
        failed = true;
        throw err;
      }
      count++;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: concurrency }, loop));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected)
    throw new Error(`a hold failed: ${describe(rejected.reason)}`, { cause: rejected.reason });
  const elapsed = (performance.now() - start) / 1000;
  return { rate: count / elapsed, count, exhausted };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${err.message}`;
  }
  return String(err);
}

function engineHold(engine: Engine, f: BenchFixture, tag: string): HoldFn {
  return async (i) => {
    await engine.hold(
      { userId: f.userIds[i]!, role: 'user' },
      holdRequest(f, f.seatIds[i]!, `bench-${tag}-${i}`),
    );
  };
}

function rawHoldFn(pool: pg.Pool, f: BenchFixture, tag: string): HoldFn {
  return (i) =>
    rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `bench-${tag}-${i}`, config.HOLD_SECONDS);
}

async function openEngine(url: string, poolMax: number, cleanup: Cleanup) {
  const orm = await createOrm({ url, poolMax });
  const close = once(() => orm.close(true));
  cleanup.add(`close ORM (pool ${poolMax})`, close);
  const engine = createEngine({
    orm,
    config: { ...config, DATABASE_URL: url, DB_POOL_MAX: poolMax },
    log,
  });
  await engine.init();
  return { orm, engine, close };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** Statements one engine hold sends, BEGIN and COMMIT included. */
async function engineStatementsPerHold(orm: MikroORM, engine: Engine, f: BenchFixture, i: number) {
  const seen: string[] = [];
  const restore = await tapDriver(orm, (sql) => seen.push(sql));
  try {
    await engineHold(engine, f, 'count')(i);
  } finally {
    restore();
  }
  return seen;
}

async function throughput(
  url: string,
  admin: pg.Pool,
  f: BenchFixture,
  pgbench: string | null,
  cleanup: Cleanup,
) {
  const rates: Record<Path, Record<number, number[]>> = {
    engine: {},
    raw: {},
    pgbench: {},
    pgbench_steps: {},
  };
  const scripts = {
    pgbench: holdScript(f, config.HOLD_SECONDS),
    pgbench_steps: stepwiseScript(f, config.HOLD_SECONDS),
  };
  let explained = '';
  let statements: string[] = [];
  let profile = '';
  for (const [levelIndex, c] of LEVELS.entries()) {
    const { orm, engine, close: closeEngine } = await openEngine(url, c, cleanup);
    const rawPool = new pg.Pool({ connectionString: url, max: c });
    const closeRaw = once(() => rawPool.end());
    cleanup.add(`close raw pool (${c})`, closeRaw);
    const holds: Record<'engine' | 'raw', (tag: string) => HoldFn> = {
      engine: (tag) => engineHold(engine, f, tag),
      raw: (tag) => rawHoldFn(rawPool, f, tag),
    };

    // Warm both paths (connections, caches, JIT) outside the timed windows.
    for (const path of ['engine', 'raw'] as const) {
      await resetBookings(admin);
      await timedWindow(c, WARMUP_SECONDS, f.seatIds.length, holds[path](`warm-${path}-c${c}`));
    }
    // A live database has statistics on its bookings; TRUNCATE keeps them for every window.
    if (levelIndex === 0) await analyzeHoldTables(admin);
    if (levelIndex === 0) {
      await resetBookings(admin);
      statements = await engineStatementsPerHold(orm, engine, f, 0);
      // Fresh seats after the one just held, well inside what a window uses.
      profile = await profileHolds(orm, PROFILE_HOLDS, (k) =>
        engineHold(engine, f, 'profile')(k + 1),
      );
    }

    for (let r = 0; r < ROUNDS; r++) {
      // Rotate which path goes first, so drift on a shared machine hits each alike.
      const paths: Path[] = pgbench
        ? ['engine', 'raw', 'pgbench', 'pgbench_steps']
        : ['engine', 'raw'];
      const order = paths.map((_, k) => paths[(k + r) % paths.length]!);
      for (const path of order) {
        await resetBookings(admin);
        if (path === 'pgbench' || path === 'pgbench_steps') {
          const tps = await runPgbench(pgbench!, url, scripts[path], f, c, SECONDS);
          (rates[path][c] ??= []).push(tps);
          console.log(
            `c${c} round ${r + 1}/${ROUNDS} ${path} ${String(Math.round(tps)).padStart(5)} holds/s`,
          );
          continue;
        }
        const w = await timedWindow(
          c,
          SECONDS,
          f.seatIds.length,
          holds[path](`${path}-c${c}-r${r}`),
        );
        (rates[path][c] ??= []).push(w.rate);
        console.log(
          `c${c} round ${r + 1}/${ROUNDS} ${path.padEnd(6)} ${String(Math.round(w.rate)).padStart(6)} holds/s` +
            ` (${w.count} holds)${w.exhausted ? ' [ran out of fresh seats: raise BENCH_FIXTURE_SIZE]' : ''}`,
        );
      }
    }
    if (levelIndex === LEVELS.length - 1) {
      // The database now holds the last window's bookings; its first seat and user hold one.
      explained = await explainHotStatements(admin, f, f.seatIds[0]!, f.userIds[0]!);
    }
    await closeEngine();
    await closeRaw();
  }
  return { rates, explained, statements, profile };
}

/** 50 users race for one fresh seat, LOSER_ROUNDS times; the 49 losers' call-to-SEAT_TAKEN times. */
async function loserLatency(url: string, admin: pg.Pool, f: BenchFixture, cleanup: Cleanup) {
  const { engine, close } = await openEngine(url, LOSER_POOL, cleanup);
  await resetBookings(admin);
  const warmups = 2;
  const latencies: number[] = [];
  for (let k = 0; k < warmups + LOSER_ROUNDS; k++) {
    const seatId = f.seatIds[k]!;
    const users = f.userIds.slice(k * CONTENDERS, (k + 1) * CONTENDERS);
    if (users.length < CONTENDERS) throw new Error('not enough users for the loser rounds');
    const results = await Promise.all(
      users.map(async (userId, j) => {
        const t0 = performance.now();
        try {
          await engine.hold({ userId, role: 'user' }, holdRequest(f, seatId, `race-${k}-${j}`));
          return { code: 'OK', ms: performance.now() - t0 };
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          return {
            code: code === 'SEAT_TAKEN' ? code : `ERROR ${describe(err)}`,
            ms: performance.now() - t0,
          };
        }
      }),
    );
    const winners = results.filter((x) => x.code === 'OK').length;
    const losers = results.filter((x) => x.code === 'SEAT_TAKEN');
    const other = results.find((x) => x.code !== 'OK' && x.code !== 'SEAT_TAKEN');
    if (other || winners !== 1 || losers.length !== CONTENDERS - 1) {
      throw new Error(
        `race ${k}: ${winners} winners, ${losers.length} SEAT_TAKEN${other ? `, ${other.code}` : ''}`,
      );
    }
    if (k >= warmups) latencies.push(...losers.map((x) => x.ms));
  }
  await close();
  return latencies;
}

async function main(cleanup: Cleanup) {
  console.log(
    `engine bench: ${SECONDS} s per window, ${ROUNDS} round(s), levels ${LEVELS.join('/')}`,
  );
  const url = await openBenchDatabase(log, cleanup);
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  cleanup.add(
    'close admin pool',
    once(() => admin.end()),
  );
  const started = performance.now();
  const f = await seedFixture(admin, FIXTURE_SIZE);
  console.log(
    `fixture: ${f.seatIds.length} seats, ${f.userIds.length} users (${Math.round(performance.now() - started)} ms)`,
  );
  const pgbench = findPgbench();
  console.log(`pgbench: ${pgbench ?? `n/a (${APT_HINT})`}`);
  const { rates, explained, statements, profile } = await throughput(
    url,
    admin,
    f,
    pgbench,
    cleanup,
  );
  const latencies = await loserLatency(url, admin, f, cleanup);
  console.log(`\n${profile}`);
  report(
    {
      seconds: SECONDS,
      rounds: ROUNDS,
      levels: LEVELS,
      contenders: CONTENDERS,
      loserRounds: LOSER_ROUNDS,
    },
    rates,
    latencies,
    statements,
    explained,
    pgbench,
  );
}

const cleanup = new Cleanup();
let exitCode = 0;
const onSignal = (signal: NodeJS.Signals) => {
  console.error(`\n${signal}: cleaning up`);
  void cleanup.run().finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  await main(cleanup);
} catch (err) {
  console.error('engine bench failed:', err);
  exitCode = 1;
} finally {
  await cleanup.run();
}
process.exit(exitCode);
