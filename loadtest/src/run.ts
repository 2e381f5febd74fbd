import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ackSchema, seatMapSchema, routeUrl } from '@berth/shared';
import pg from 'pg';
import pino from 'pino';
import { parentOf } from '@berth/server/src/cluster/proc.ts';
import { SqlTx } from '@berth/server/src/common/sql.ts';
import { JWT_SECRET_NAME } from '@berth/server/src/modules/auth/auth.service.ts';
import { sharedSecret } from '@berth/server/src/modules/auth/server-secrets.ts';
import { bundleProcessor, runArtillery, writeScript } from './artillery.ts';
import { codeTotal, readArtilleryReport, type ArtilleryFigures } from './artillery-report.ts';
import { startBalancer } from './balancer.ts';
import { chaosSchedule, describeFault, runChaos, type FaultDone } from './chaos.ts';
import { checkConfirmations, freshSnapshots, runVerify } from './checks.ts';
import { buildPlan, createUsers, loadRuns, writePayload } from './fixture.ts';
import { shapeOf, type LoadtestOptions } from './options.ts';
import { compareMaps, only, readJournals, sumRates, winners } from './outcome.ts';
import { metric } from './plan.ts';
import { writeHtmlReport } from './report-html.ts';
import { writeReport, summarize, type ReportData } from './report.ts';
import { ResourceSampler, type Watched } from './resources.ts';
import { supervise } from './supervise.ts';
import { nodesLogOf, startSystem } from './system.ts';

export interface LoadtestResult {
  ok: boolean;
  failures: string[];
  summary: ReturnType<typeof summarize>;
  reportDir: string;
}

/** Undo steps, last first, run whatever happened. */
class Cleanup {
  private readonly steps: (() => Promise<void>)[] = [];
  add(step: () => Promise<void>) {
    this.steps.push(step);
  }
  async run() {
    while (this.steps.length > 0) await this.steps.pop()!().catch(() => undefined);
  }
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * One load test: the system (a stack of PostgreSQL, Redis and N nodes, or --target's nodes), users and tokens, the balancer, one
 * Artillery run of the scenario's personas, then the verdicts: contract and errors from
 * Artillery's counters, winners and live truth from the users' journals, confirmations against
 * the database, and the integrity checker. Writes the report folder; never throws for a
 * finding, only when the run itself could not happen.
 */
export async function runLoadtest(
  o: LoadtestOptions,
  abort = new AbortController().signal,
): Promise<LoadtestResult> {
  const print = o.print ?? ((line: string) => console.log(line));
  const startedAt = new Date();
  const shape = shapeOf(o);
  const dir = path.join(o.reportsDir, `${stamp(startedAt)}-${o.scenario}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const log = pino(
    { name: 'loadtest', level: 'warn' },
    pino.destination({ dest: path.join(dir, 'nodes.log'), sync: true }),
  );
  const cleanup = new Cleanup();
  try {
    // A stack started here signs with a fresh secret; a target's nodes with their own.
    const freshSecret = randomBytes(32).toString('base64url');
    const settings: Record<string, string> = {
      // No hold lapses during a run: an expiry would change seats no user asked to change.
      HOLD_SECONDS: '1800',
      // Some payments are declined, as the buyers' story needs.
      GATEWAY_FAILURE_RATE: '0.2',
      // Commands keep their limits: a rush user clicks at most once a second (60 a minute,
      // under hold:create's 120), a buyer or sniper a few times in all. HTTP reads are counted
      // per address when anonymous, and every virtual user comes from this machine's one
      // address: without this, all of them would share one passenger's allowance.
      RATE_LIMITS: 'http:read=1000000,http:write=1000000',
    };
    print(
      o.target
        ? `[loadtest] ${o.scenario}: against ${o.target.urls.join(', ')}; report in ${dir}`
        : `[loadtest] ${o.scenario}: starting PostgreSQL, Redis and ${o.nodes} node(s); report in ${dir}`,
    );
    const system = await startSystem({
      o,
      settings,
      jwtSecret: freshSecret,
      nodesLog: nodesLogOf(dir),
      log,
    });
    cleanup.add(() => system.stop());
    const pool = new pg.Pool({ connectionString: system.dbUrl, max: 3 });
    // Under chaos PostgreSQL restarts: an idle connection's end is no reason to stop the run.
    pool.on('error', () => undefined);
    cleanup.add(() => pool.end());
    const jwtSecret = o.target
      ? (o.target.jwtSecret ?? (await storedJwtSecret(pool)))
      : freshSecret;

    const runs = await loadRuns(pool);
    const users = await createUsers(pool, {
      count: shape.totalVus + 10,
      tag: `${o.seed}-${process.pid}-${Date.now()}`,
      jwtSecret,
      ttlSeconds: 2 * 3600,
    });
    writePayload(path.join(dir, 'users.csv'), users);
    const balancer = await startBalancer(system.nodes.map((n) => n.port));
    cleanup.add(() => balancer.stop());
    const plan = buildPlan({ options: o, shape, runs, dir, httpTarget: balancer.url });
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
    writeScript({
      file: path.join(dir, 'script.yml'),
      target: balancer.url,
      processor: await bundleProcessor(dir),
      payload: path.join(dir, 'users.csv'),
      planPath: path.join(dir, 'plan.json'),
      personas: shape.personas,
      arriveSeconds: shape.arriveMs / 1000,
      vus: shape.totalVus,
    });

    const artillery = runArtillery({
      script: path.join(dir, 'script.yml'),
      output: path.join(dir, 'artillery.json'),
      log: path.join(dir, 'artillery.log'),
      nice: o.nice,
    });
    cleanup.add(() => Promise.resolve(artillery.kill()));
    const watched: Watched[] = [
      ...system.nodes.map((n) => ({ name: n.name, pid: n.pid })),
      { name: 'postgres', pid: await postmasterPid(pool), tree: true },
      { name: 'redis', pid: system.redisPid },
      { name: 'balancer', pid: balancer.pid },
      { name: 'load generator', pid: artillery.pid },
    ].filter((w) => w.pid > 0);
    const sampler = new ResourceSampler(watched);
    sampler.start();
    let chaos: Promise<FaultDone[]> = Promise.resolve([]);
    const faults = o.chaos
      ? chaosSchedule(o.scenario === 'rush' ? shape.rushMs : shape.loadEndMs, o.nodes, o.seed)
      : [];
    if (o.chaos)
      print(
        `[loadtest] chaos: ${faults.map((f) => `+${f.atMs / 1000} s ${describeFault(f)}`).join('; ')}`,
      );
    const run = await supervise({
      onStart: (t0) => {
        if (!o.chaos) return;
        const windowStart = t0 + (o.scenario === 'rush' ? shape.rushAtMs : 0);
        chaos = runChaos({ faults, stack: system.stack!, t0, windowStart, print, abort });
      },
      plan,
      artillery,
      nodeUrls: system.nodes.map((n) => n.url),
      pool,
      sampler,
      print,
      abort,
    });
    sampler.stop();
    const faultsDone = await chaos;
    if (abort.aborted) throw new Error('interrupted');
    const artilleryExit = await artillery.exited;
    print(`[loadtest] Artillery exited (${artilleryExit}); checking`);

    const figures = readFigures(path.join(dir, 'artillery.json'));
    const journals = readJournals(dir);
    const truth = compareMaps(
      journals.records,
      await freshSnapshots(system.nodes[0]!.url, journals.records),
    );
    const win = winners(journals.records);
    const confirmations = await checkConfirmations(pool, journals.records);
    const connectionsPerNode = await balancer.perNode();
    const seatLabels = await labelsOf(system.nodes[0]!.url, plan.snipers.runId);
    const t0 = run.t0 ?? startedAt.getTime();
    const window =
      o.scenario === 'rush'
        ? {
            from: t0 + shape.rushAtMs,
            to: t0 + shape.rushAtMs + shape.rushMs,
            what: 'the rush window',
          }
        : { from: t0, to: t0 + shape.loadEndMs, what: 'the load window' };
    const usage = { ...sampler.usage(window.from, window.to), window: window.what };
    // The checker reads a database nobody writes to any more (a target's nodes are idle now).
    await system.quiesce();
    const verify = await runVerify(system.dbUrl);

    const data: ReportData = {
      options: o,
      shape,
      startedAt,
      settings: o.target
        ? { '(none)': "the target nodes' own settings: this run gave them none" }
        : {
            ...settings,
            RATE_LIMITS: `${settings.RATE_LIMITS} (commands at their defaults: hold:create 120, booking:pay 60, run:watch 600 per user and minute)`,
          },
      rates: sumRates(journals.rates),
      figures,
      truth,
      winners: win,
      confirmations,
      verify,
      usage,
      drain: run.drain,
      connectionsPerNode,
      problems: only(journals.records, 'problem')
        .slice(0, 15)
        .map((p) => `${p.kind} ${p.event}: ${p.detail}`),
      artilleryExit,
      seatLabels,
      faults: faultsDone,
    };
    const failures = failuresOf(data, run.killed);
    writeHtmlReport(dir, data, failures, writeReport(dir, data, failures));
    await cleanup.run();
    const summary = summarize(data, failures, dir);
    print(`[loadtest] ${failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`}`);
    print(`[loadtest] report: ${path.join(dir, 'report.md')} and report.html`);
    print(`LOADTEST ${JSON.stringify(summary)}`);
    return { ok: failures.length === 0, failures, summary, reportDir: dir };
  } finally {
    await cleanup.run();
  }
}

function readFigures(file: string): ArtilleryFigures {
  if (!fs.existsSync(file)) return { counters: {}, summaries: {}, codes: new Map() };
  return readArtilleryReport(file);
}

/** Everything the issue says a run fails on. */
function failuresOf(d: ReportData, killed: string | undefined): string[] {
  const out: string[] = [];
  const n = (code: string) => codeTotal(d.figures, code);
  if (killed) out.push(`Artillery was stopped: ${killed}`);
  if (Object.keys(d.figures.counters).length === 0) out.push('Artillery wrote no report');
  if (n('CONTRACT') > 0)
    out.push(`${n('CONTRACT')} answers or pushes broke the contract (CONTRACT)`);
  if (n('INTERNAL') > 0) out.push(`${n('INTERNAL')} INTERNAL answers`);
  if (n('LOST_ACK') > 0)
    out.push(`${n('LOST_ACK')} acks lost (past the ${d.options.ackTimeoutMs} ms timeout)`);
  const processor = d.figures.counters['berth.processor_errors'] ?? 0;
  if (processor > 0) out.push(`${processor} processor errors (the load test's own bug)`);
  const failedVus = d.figures.counters['vusers.failed'] ?? 0;
  if (failedVus > 0) out.push(`${failedVus} virtual users failed to run (see artillery.log)`);
  if (d.winners.maxWinners > 1)
    out.push(`${d.winners.maxWinners} winners held one seat and segment at once`);
  if (d.truth.staleSeats > 0)
    out.push(`${d.truth.staleSeats} stale seats in ${d.truth.staleMaps} maps`);
  if (!d.drain.ok) out.push('commands or the outbox did not drain after the load');
  if (!d.verify.ok) out.push(`the integrity checker found violations (exit ${d.verify.exitCode})`);
  for (const f of d.faults.filter((x) => x.error))
    out.push(`the fault "${describeFault(f)}" failed: ${f.error}`);
  const stale = d.figures.counters[metric.convergeStale] ?? 0;
  if (stale > 0) out.push(`${stale} watchers were still stale 10 s after reconnecting`);
  if (d.confirmations.lost.length > 0)
    out.push(`${d.confirmations.lost.length} confirmations lost`);
  return out;
}

/**
 * The secret nodes without JWT_SECRET share in their database, made there if no node has yet
 * (as the first node to sign a token would: auth/server-secrets.ts).
 */
async function storedJwtSecret(pool: pg.Pool): Promise<string> {
  const client = await pool.connect();
  try {
    return await sharedSecret(new SqlTx(client), JWT_SECRET_NAME);
  } finally {
    client.release();
  }
}

/** PostgreSQL's postmaster (parent of our backend), when it runs on this machine. */
async function postmasterPid(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
  return parentOf(r.rows[0]!.pid);
}

async function labelsOf(baseUrl: string, runId: number): Promise<Map<number, string>> {
  try {
    const res = await fetch(`${baseUrl}${routeUrl('seatMap', { params: { runId } })}`);
    const body = ackSchema(seatMapSchema).parse(await res.json());
    return new Map(body.ok ? body.data.seats.map((s) => [s.seatId, s.label]) : []);
  } catch {
    return new Map();
  }
}
