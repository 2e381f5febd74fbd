/**
 * Realtime benchmark: Berth's pushes over uWebSockets.js (BERTH_TRANSPORT=auto) against Node's
 * own HTTP server (BERTH_TRANSPORT=node), each with two node processes on one PostgreSQL and one
 * local Redis. Per side: resident memory per idle socket; fan-out latency (commit to the last of
 * N watchers) and hold emit-to-ack latency for each N; the highest hold rate whose fan-out stays
 * bounded. The load comes from raw Socket.IO clients in their own processes (raw-socket.ts).
 *
 *   pnpm bench:realtime                       watchers 1000 and 5000, about six minutes
 *   BENCH_QUICK=1 pnpm bench:realtime         a smoke run: 200 watchers, few changes
 *   BENCH_WATCHERS=2000 pnpm bench:realtime   other watcher counts (comma-separated)
 *   BENCH_STEP_RATES=100,200 BENCH_STEP_SECONDS=3 BENCH_CHANGES=30     the other knobs
 *   BENCH_SIDES=uws pnpm bench:realtime        one transport only (uws or node), in half the time
 *
 * Before the sides, PostgreSQL's own ceiling for the hold (pgbench -M prepared at 8 clients on the
 * same server, see ../pgbench.ts): the sustained hold rate is quoted against it.
 *
 * The last line is `BENCH {...}` for machines; everything above it is for people.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger } from '../../src/common/logger.ts';
import { Cleanup, openBenchDatabase, resetBookings } from '../bench-db.ts';
import { APT_HINT, pgbenchCeiling } from '../pgbench.ts';
import { envNumber } from '../stats.ts';
import {
  capacityOf,
  holdPlan,
  seedRealtimeFixture,
  signTokens,
  type RealtimeFixture,
} from './fixture.ts';
import { startCluster, type TransportSide } from './nodes.ts';
import {
  measureAcks,
  measureFanout,
  measureIdleMemory,
  measureSteps,
  sustainedRate,
  warmUp,
  type SideContext,
} from './phases.ts';
import { printReport, type SideResult } from './report.ts';
import { ClientPool } from './workers.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const SIDES = (process.env.BENCH_SIDES ?? 'uws,node').split(',').map((x) => x.trim());
if (SIDES.length === 0 || SIDES.some((x) => x !== 'uws' && x !== 'node'))
  throw new Error('BENCH_SIDES names uws, node or both (comma-separated)');
const PGBENCH_SECONDS = envNumber('BENCH_PGBENCH_SECONDS', QUICK ? 2 : 10);
const WATCHERS = (process.env.BENCH_WATCHERS ?? (QUICK ? '200' : '1000,5000'))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
/** Changes per fan-out measurement, one every CHANGE_INTERVAL_MS. */
const CHANGES = Math.round(envNumber('BENCH_CHANGES', QUICK ? 8 : 30));
const CHANGE_INTERVAL_MS = 200;
const ACK_RATE = 20;
const ACK_SECONDS = QUICK ? 2 : 8;
const STEP_RATES = (
  process.env.BENCH_STEP_RATES ?? (QUICK ? '10,50' : '10,25,50,100,200,300,400,500,600')
)
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const STEP_SECONDS = envNumber('BENCH_STEP_SECONDS', QUICK ? 2 : 3);
const WATCHER_PROCESSES = 4;
/** Priority of the watcher processes (see ClientPool); BENCH_WATCHER_NICE=0 runs them level. */
const WATCHER_NICE = Number(process.env.BENCH_WATCHER_NICE ?? 10);
if (!Number.isInteger(WATCHER_NICE) || WATCHER_NICE < 0 || WATCHER_NICE > 19)
  throw new Error('BENCH_WATCHER_NICE must be an integer from 0 to 19');
/**
 * Seats per run. Every `run:watch` ack carries the whole seat map (~110 bytes a seat), so 5,000
 * watchers of a 2,000-seat run would move 1.1 GB of snapshots; 256 seats over ten one-stop
 * segments take 2,560 distinct holds, and the hold tables are emptied before every measured
 * phase (the largest, 600/s for 3 s, takes 1,800).
 */
const SEATS = 256;
/** The whole bench stops by itself past this, cleaning up as on Ctrl-C. */
const DEADLINE_S = envNumber('BENCH_DEADLINE_S', 570);

const log = createLogger('warn', 'bench');
const elapsed = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

async function runSide(
  label: 'uws' | 'node',
  transport: TransportSide,
  index: number,
  f: RealtimeFixture,
  pool: pg.Pool,
  databaseUrl: string,
  jwtSecret: string,
  tokens: string[],
  cleanup: Cleanup,
): Promise<SideResult> {
  const t0 = performance.now();
  console.log(`\n--- ${label}: BERTH_TRANSPORT=${transport}, 2 nodes ---`);
  const cluster = await startCluster({ transport, databaseUrl, jwtSecret, count: 2 });
  cleanup.add(`stop ${label} nodes and redis`, () => cluster.stop());
  const clients = new ClientPool(WATCHER_PROCESSES, WATCHER_NICE);
  cleanup.add(`stop ${label} client processes`, () => clients.stop());
  console.log(
    cluster.nodes
      .map((n, i) => `  ${n.name} pid ${n.child.pid} port ${n.port}: ${cluster.transports[i]}`)
      .join('\n'),
  );
  const side: SideContext = {
    cluster,
    clients,
    plan: holdPlan(f, index, `rt-${label}`),
    capacity: capacityOf(f),
    nextHold: 0,
    watchers: 0,
    resetBookings: () => resetBookings(pool),
    holdsMade: 0,
    keyBase: `rt-${label}`,
  };

  const memorySockets = WATCHERS[WATCHERS.length - 1]!;
  const mem = await measureIdleMemory(side, memorySockets);
  console.log(
    `  idle sockets: ${memorySockets} in ${Math.round(mem.connectMs)} ms; nodes' RSS ` +
      `${Math.round(mem.beforeKb / 1024)} -> ${Math.round(mem.afterKb / 1024)} MiB: ` +
      `${mem.perSocketKb.toFixed(1)} KiB per socket`,
  );

  await clients.connectHolders(cluster.ports, tokens);
  const result: SideResult = {
    label,
    transport: cluster.transports[0]!,
    memory: { ...mem, sockets: memorySockets },
    fanout: new Map(),
    acks: new Map(),
    connectMs: new Map(),
    steps: [],
    stepWatchers: WATCHERS[0]!,
    maxChangesPerSecond: 0,
  };
  const watch = { runId: side.plan.runId, from: f.stops[0]!, to: f.stops[f.stops.length - 1]! };
  for (const n of WATCHERS) {
    const connectMs = await clients.connect(cluster.ports, n - side.watchers, watch);
    side.watchers = n;
    result.connectMs.set(n, connectMs);
    const open = await cluster.sockets();
    console.log(
      `  ${n} watchers connected and watching in ${Math.round(connectMs)} ms ` +
        `(sockets per node incl. ${tokens.length} holders: ${open.join(' + ')})`,
    );
    await warmUp(side, 5);
    const fan = await measureFanout(side, CHANGES, CHANGE_INTERVAL_MS);
    result.fanout.set(n, fan);
    console.log(
      `  fan-out @${n}: ${fan.batches} batches, last watcher p50 ${fan.last.p50} ms p99 ` +
        `${fan.last.p99} ms (first p50 ${fan.first.p50} ms, spread p99 ${fan.spread.p99} ms)` +
        (fan.incomplete ? `, ${fan.incomplete} batches missed some watchers` : '') +
        (Object.keys(fan.holdErrors).length
          ? `, hold errors ${JSON.stringify(fan.holdErrors)}`
          : ''),
    );
    const acks = await measureAcks(side, ACK_RATE, ACK_SECONDS);
    result.acks.set(n, acks);
    console.log(
      `  acks @${n}: ${acks.answered} holds at ${acks.achievedPerSecond.toFixed(1)}/s, ` +
        `p50 ${acks.ack.p50.toFixed(1)} ms p99 ${acks.ack.p99.toFixed(1)} ms` +
        (Object.keys(acks.errors).length ? `, errors ${JSON.stringify(acks.errors)}` : ''),
    );
    if (n === result.stepWatchers) {
      result.steps = await measureSteps(side, STEP_RATES, STEP_SECONDS, (s) =>
        console.log(
          `  step ${s.rate}/s @${n}: done ${s.achievedPerSecond.toFixed(0)}/s, ${s.batches} batches, ` +
            `p50 ${s.last.p50} ms p99 ${s.last.p99} ms, cpu nodes ${s.nodesCpuPercent.toFixed(0)}% ` +
            `clients ${s.clientsCpuPercent.toFixed(0)}% machine ${s.machineCpuPercent.toFixed(0)}%` +
            ` of 200%: ${s.why || 'ok'}`,
        ),
      );
      result.maxChangesPerSecond = sustainedRate(result.steps);
    }
  }
  await clients.stop();
  await cluster.stop();
  console.log(`  ${label} done in ${elapsed(t0)} (${side.holdsMade} holds)`);
  return result;
}

async function main(cleanup: Cleanup) {
  const t0 = performance.now();
  if (WATCHERS.length === 0) throw new Error('BENCH_WATCHERS names no watcher count');
  console.log(
    `realtime bench${QUICK ? ' (quick)' : ''}: watchers ${WATCHERS.join('/')}, ${CHANGES} changes ` +
      `every ${CHANGE_INTERVAL_MS} ms, acks at ${ACK_RATE}/s for ${ACK_SECONDS} s, steps ` +
      `${STEP_RATES.join('/')}/s x ${STEP_SECONDS} s; ${WATCHER_PROCESSES} watcher processes`,
  );
  const url = await openBenchDatabase(log, cleanup);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  cleanup.add('close admin pool', () => pool.end());
  const f = await seedRealtimeFixture(pool, 2, SEATS);
  const jwtSecret = randomBytes(32).toString('base64url');
  const tokens = await signTokens(jwtSecret, f.userIds);
  console.log(
    `fixture: 2 runs x ${SEATS} seats, ${f.stops.length} stops, ${f.userIds.length} users ` +
      `(capacity ${capacityOf(f)} holds per run)`,
  );
  const pgbenchC8 = await pgbenchCeiling(url, log, 8, PGBENCH_SECONDS, cleanup);
  console.log(
    `pgbench c8 (the hold's statements, -M prepared, same server): ` +
      (pgbenchC8 === null ? `n/a (${APT_HINT})` : `${Math.round(pgbenchC8)} holds/s`),
  );
  const sides: SideResult[] = [];
  if (SIDES.includes('uws'))
    sides.push(await runSide('uws', 'auto', 0, f, pool, url, jwtSecret, tokens, cleanup));
  if (SIDES.includes('node'))
    sides.push(await runSide('node', 'node', 1, f, pool, url, jwtSecret, tokens, cleanup));
  console.log(`\nmeasured in ${elapsed(t0)}`);
  printReport(sides, WATCHER_NICE, pgbenchC8);
}

const cleanup = new Cleanup();
const onSignal = (signal: NodeJS.Signals) => {
  console.error(`\n${signal}: cleaning up`);
  void cleanup.run().finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
const deadline = setTimeout(() => {
  console.error(`\nrealtime bench: past ${DEADLINE_S} s, stopping`);
  void cleanup.run().finally(() => process.exit(1));
}, DEADLINE_S * 1000);
let exitCode = 0;
try {
  await main(cleanup);
} catch (err) {
  console.error('realtime bench failed:', err);
  exitCode = 1;
} finally {
  clearTimeout(deadline);
  await cleanup.run();
}
process.exit(exitCode);
