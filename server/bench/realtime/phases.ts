import { percentile } from '../stats.ts';
import type { Cluster } from './nodes.ts';
import { readMachineBusyMs } from '../../src/cluster/proc.ts';
import { committedAtOf, type HoldPlan } from './protocol.ts';
import type { ClientPool, MergedReceipt } from './workers.ts';

/** How long after the last hold is answered its batch may still be on its way to the watchers. */
const DRAIN_MS = 1500;
/** A step whose p99 fan-out reaches this is past what the transport sustains. */
export const STEP_P99_LIMIT_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One side of the comparison: its nodes, its clients, and the next unused hold of its run. */
export interface SideContext {
  cluster: Cluster;
  clients: ClientPool;
  plan: HoldPlan;
  capacity: number;
  nextHold: number;
  watchers: number;
  /** Empties the hold tables (outside any timed window), so every seat and user is free again. */
  resetBookings(): Promise<void>;
  /** Holds made so far, over all resets. */
  holdsMade: number;
  /** Idempotency keys are `<keyBase>-p<phase>-<hold>`. */
  keyBase: string;
}

let phase = 0;

/** Every seat and user free again, and fresh idempotency keys, before a measured phase. */
async function freshRun(side: SideContext) {
  await side.resetBookings();
  side.nextHold = 0;
  side.plan = { ...side.plan, keyPrefix: `${side.keyBase}-p${++phase}` };
}

export interface Percentiles {
  p50: number;
  p99: number;
}

export interface FanoutResult {
  /** committedAt to the last watcher. */
  last: Percentiles;
  /** committedAt to the first watcher: the relay's share (poll interval, read, publish, Redis). */
  first: Percentiles;
  /** First to last watcher: the broadcast's own spread. */
  spread: Percentiles;
  batches: number;
  /** Batches that did not reach every watcher (left out of the percentiles). */
  incomplete: number;
  holdErrors: Record<string, number>;
}

export interface HoldsResult {
  ack: Percentiles;
  answered: number;
  achievedPerSecond: number;
  errors: Record<string, number>;
}

export interface StepResult extends FanoutResult {
  rate: number;
  achievedPerSecond: number;
  ack: Percentiles;
  /** Median fan-out of the step's first and last thirds: growth means a queue is building. */
  firstThirdMs: number;
  lastThirdMs: number;
  growing: boolean;
  /** CPU used during the step, in % of one core: the nodes, the client processes, everything. */
  nodesCpuPercent: number;
  clientsCpuPercent: number;
  machineCpuPercent: number;
  /** Every batch reached every watcher, p99 under the limit, and not climbing. */
  bounded: boolean;
  /** The holds were answered at >= 90% of the offered rate. */
  keptPace: boolean;
  why: string;
}

const pcts = (xs: number[]): Percentiles => ({
  p50: percentile(xs, 0.5),
  p99: percentile(xs, 0.99),
});

function errorsOf(codes: Record<string, number>) {
  return Object.fromEntries(Object.entries(codes).filter(([code]) => code !== 'OK'));
}

/** Sends `count` holds at `rate`/s from the side's next unused slots. */
async function sendHolds(side: SideContext, count: number, rate: number) {
  if (side.nextHold + count > side.capacity) {
    throw new Error(
      `the run has room for ${side.capacity} holds and ${side.nextHold} are used: ` +
        `lower the rates or raise the seat count in realtime-bench.ts`,
    );
  }
  const done = await side.clients.holds(side.plan, side.nextHold, count, rate);
  side.nextHold += count;
  side.holdsMade += count;
  return done;
}

function summarise(receipts: MergedReceipt[], watchers: number) {
  const complete = receipts.filter((r) => r.count >= watchers);
  const at = (r: MergedReceipt) => committedAtOf(r.key);
  return {
    complete,
    last: complete.map((r) => r.last - at(r)),
    first: complete.map((r) => r.first - at(r)),
    spread: complete.map((r) => r.last - r.first),
    incomplete: receipts.length - complete.length,
  };
}

/** Holds at a steady pace; per batch, committedAt to the first and last of all watchers. */
export async function measureFanout(
  side: SideContext,
  changes: number,
  intervalMs: number,
): Promise<FanoutResult> {
  await side.clients.resetReceipts();
  const done = await sendHolds(side, changes, 1000 / intervalMs);
  await sleep(DRAIN_MS);
  const s = summarise(await side.clients.takeReceipts(), side.watchers);
  return {
    last: pcts(s.last),
    first: pcts(s.first),
    spread: pcts(s.spread),
    batches: s.complete.length,
    incomplete: s.incomplete,
    holdErrors: errorsOf(done.codes),
  };
}

/** A few holds outside any measurement: connections, JIT and caches warm on every node. */
export async function warmUp(side: SideContext, holds: number) {
  await freshRun(side);
  await sendHolds(side, holds, 10);
  await sleep(DRAIN_MS / 2);
  await side.clients.resetReceipts();
}

/** Emit-to-ack latency of holds at a steady rate while the watchers are connected. */
export async function measureAcks(
  side: SideContext,
  rate: number,
  seconds: number,
): Promise<HoldsResult> {
  await freshRun(side);
  const done = await sendHolds(side, Math.round(rate * seconds), rate);
  await sleep(DRAIN_MS / 2);
  await side.clients.resetReceipts();
  return {
    ack: pcts(done.latencies),
    answered: done.latencies.length,
    achievedPerSecond: ((done.codes.OK ?? 0) * 1000) / Math.max(1, done.elapsedMs),
    errors: errorsOf(done.codes),
  };
}

/**
 * Steps the hold rate up. A step passes if the holds were answered at >= 90% of the offered rate
 * and the fan-out stayed bounded: every batch reached every watcher, p99 under
 * STEP_P99_LIMIT_MS, not climbing through the step. Stops at the first step that fails: past it
 * holds queue without end, and with them the relay, which shares each node's database pool.
 */
export async function measureSteps(
  side: SideContext,
  rates: number[],
  seconds: number,
  onStep: (s: StepResult) => void,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const rate of rates) {
    await freshRun(side);
    await side.clients.resetReceipts();
    const cpu0 = {
      nodes: side.cluster.cpuMs(),
      clients: side.clients.cpuMs(),
      machine: readMachineBusyMs(),
      at: performance.now(),
    };
    const done = await sendHolds(side, Math.round(rate * seconds), rate);
    await sleep(DRAIN_MS);
    const span = performance.now() - cpu0.at;
    const cpu = (now: number, then: number) => ((now - then) * 100) / span;
    const s = summarise(await side.clients.takeReceipts(), side.watchers);
    const byTime = [...s.complete].sort((a, b) => committedAtOf(a.key) - committedAtOf(b.key));
    const third = Math.max(1, Math.floor(byTime.length / 3));
    const lat = (rs: MergedReceipt[]) => rs.map((r) => r.last - committedAtOf(r.key));
    const firstThirdMs = percentile(lat(byTime.slice(0, third)), 0.5);
    const lastThirdMs = percentile(lat(byTime.slice(-third)), 0.5);
    const growing = lastThirdMs > 2 * firstThirdMs && lastThirdMs - firstThirdMs > 100;
    const achievedPerSecond = ((done.codes.OK ?? 0) * 1000) / Math.max(1, done.elapsedMs);
    const last = pcts(s.last);
    const errors = errorsOf(done.codes);
    const unbounded = [
      s.incomplete > 0 ? `${s.incomplete} batches missed some watchers` : '',
      !(last.p99 < STEP_P99_LIMIT_MS) ? `p99 ${Math.round(last.p99)} ms` : '',
      growing
        ? `fan-out climbing (${Math.round(firstThirdMs)} -> ${Math.round(lastThirdMs)} ms)`
        : '',
    ].filter(Boolean);
    const keptPace = achievedPerSecond >= 0.9 * rate && Object.keys(errors).length === 0;
    const why = [
      ...unbounded,
      achievedPerSecond < 0.9 * rate ? `holds at ${Math.round(achievedPerSecond)}/s` : '',
      Object.keys(errors).length > 0 ? `hold errors ${JSON.stringify(errors)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const step: StepResult = {
      rate,
      achievedPerSecond,
      ack: pcts(done.latencies),
      last,
      first: pcts(s.first),
      spread: pcts(s.spread),
      batches: s.complete.length,
      incomplete: s.incomplete,
      holdErrors: errors,
      firstThirdMs,
      lastThirdMs,
      growing,
      nodesCpuPercent: cpu(side.cluster.cpuMs(), cpu0.nodes),
      clientsCpuPercent: cpu(side.clients.cpuMs(), cpu0.clients),
      machineCpuPercent: cpu(readMachineBusyMs(), cpu0.machine),
      bounded: unbounded.length === 0,
      keptPace,
      why,
    };
    results.push(step);
    onStep(step);
    if (!step.bounded || !step.keptPace) break;
  }
  return results;
}

/** Changes per second actually made in the highest step that passed (0 if none did). */
export function sustainedRate(steps: StepResult[]): number {
  return Math.max(
    0,
    ...steps.filter((s) => s.bounded && s.keptPace).map((s) => s.achievedPerSecond),
  );
}

/** RSS of the nodes before and after `count` idle sockets (no room joined), per socket. */
export async function measureIdleMemory(side: SideContext, count: number) {
  // Load whatever the first connections load lazily before taking the baseline.
  await side.clients.connect(side.cluster.ports, 50, null);
  await side.clients.closeWatchers();
  await sleep(1500);
  const before = await steadyRss(side.cluster);
  const connectMs = await side.clients.connect(side.cluster.ports, count, null);
  await sleep(2000);
  const after = await steadyRss(side.cluster);
  await side.clients.closeWatchers();
  await sleep(1000);
  return { beforeKb: before, afterKb: after, perSocketKb: (after - before) / count, connectMs };
}

/** The median of a few readings a quarter second apart, so one GC does not decide it. */
async function steadyRss(cluster: Cluster): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(cluster.rssKb());
    await sleep(250);
  }
  return percentile(readings, 0.5);
}
