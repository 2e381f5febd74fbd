import { routeUrl } from '@berth/shared';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { ArtilleryProcess } from './artillery.ts';
import { clusterCounts, unpublishedOutbox } from './nodes-metrics.ts';
import { SIGNALS, type Plan } from './plan.ts';
import type { ResourceSampler } from './resources.ts';

/** After the load ends, how long commands and the outbox get to finish before the run gives up. */
const DRAIN_TIMEOUT_MS = 120_000;
/** Artillery must have started a virtual user by then. */
const START_TIMEOUT_MS = 120_000;
const PROGRESS_EVERY_MS = 5000;

export interface Supervision {
  t0: number | undefined;
  drain: { ms: number; ok: boolean };
  killed: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches the run while Artillery drives it: prints a progress line every few seconds, and once
 * the load window is over waits until every node has answered every command it received and
 * the outbox is empty (twice in a row), then writes the drained signal the users wait for. Kills
 * Artillery if it never starts or outlives every deadline.
 */
export async function supervise(args: {
  plan: Plan;
  artillery: ArtilleryProcess;
  nodeUrls: string[];
  pool: pg.Pool;
  sampler: ResourceSampler;
  print: (line: string) => void;
  abort: AbortSignal;
  /** Called once, when the first virtual user has started (t0 known). */
  onStart?: (t0: number) => void;
}): Promise<Supervision> {
  const { plan, artillery, nodeUrls, pool, print } = args;
  const started = Date.now();
  let exited = false;
  void artillery.exited.then(() => (exited = true));
  const out: Supervision = { t0: undefined, drain: { ms: 0, ok: false }, killed: undefined };
  let lastProgress = 0;
  let lastCounts = { at: started, holds: 0 };
  let drainedAt: number | undefined;
  let quietPolls = 0;

  while (!exited) {
    await sleep(250);
    const now = Date.now();
    if (args.abort.aborted) {
      out.killed = 'interrupted';
      artillery.kill();
      break;
    }
    if (out.t0 === undefined) {
      out.t0 = readT0(plan.dir);
      if (out.t0 !== undefined) args.onStart?.(out.t0);
    }
    if (out.t0 === undefined) {
      if (now - started > START_TIMEOUT_MS) {
        out.killed = `no virtual user started within ${START_TIMEOUT_MS / 1000} s`;
        artillery.kill();
      }
      continue;
    }
    const loadEnd = out.t0 + plan.timeline.loadEndMs;
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      lastCounts = await progress(args, out.t0, now, lastCounts, drainedAt);
    }
    if (drainedAt === undefined && now >= loadEnd) {
      const counts = await clusterCounts(nodeUrls);
      const backlog = await unpublishedOutbox(pool).catch(() => -1);
      quietPolls = counts.received === counts.answered && backlog === 0 ? quietPolls + 1 : 0;
      const timedOut = now - loadEnd > DRAIN_TIMEOUT_MS;
      if (quietPolls >= 2 || timedOut) {
        drainedAt = now;
        out.drain = { ms: now - loadEnd, ok: !timedOut };
        fs.writeFileSync(
          path.join(plan.dir, SIGNALS.drained),
          JSON.stringify({ at: now, timedOut }),
        );
        print(
          timedOut
            ? `[loadtest] not drained ${DRAIN_TIMEOUT_MS / 1000} s after the load: ${counts.received - counts.answered} commands unanswered, ${backlog} outbox rows unpublished`
            : `[loadtest] drained ${((now - loadEnd) / 1000).toFixed(1)} s after the load ended; users are reporting their maps`,
        );
      }
    }
    if (now > loadEnd + plan.timeline.drainWaitMs + 90_000) {
      out.killed = 'Artillery outlived every deadline';
      artillery.kill();
    }
  }
  await artillery.exited;
  return out;
}

function readT0(dir: string): number | undefined {
  try {
    const text = fs.readFileSync(path.join(dir, SIGNALS.t0), 'utf8');
    return text ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

async function progress(
  args: {
    plan: Plan;
    nodeUrls: string[];
    pool: pg.Pool;
    sampler: ResourceSampler;
    print: (line: string) => void;
  },
  t0: number,
  now: number,
  last: { at: number; holds: number },
  drainedAt: number | undefined,
) {
  const { plan } = args;
  const counts = await clusterCounts(args.nodeUrls);
  const holds = Object.values(counts.holds).reduce((a, b) => a + b, 0);
  const sockets = await socketCount(args.nodeUrls);
  const backlog = await unpublishedOutbox(args.pool).catch(() => -1);
  const usage = args.sampler.usage(now - 5000, now);
  const cpu = (prefix: string) =>
    usage.processes.filter((p) => p.name.startsWith(prefix)).reduce((s, p) => s + p.cpuPercent, 0);
  const t = (now - t0) / 1000;
  const tl = plan.timeline;
  const phase =
    drainedAt !== undefined
      ? 'reporting maps'
      : now >= t0 + tl.loadEndMs
        ? 'draining'
        : tl.rushMs > 0 && now >= t0 + tl.rushAtMs
          ? 'rush'
          : now < t0 + tl.arriveMs
            ? 'arriving'
            : 'load';
  const rate = ((holds - last.holds) * 1000) / Math.max(1, now - last.at);
  args.print(
    `[loadtest t0+${t.toFixed(0)} s ${phase}] sockets ${sockets}, holds answered ${holds} ` +
      `(${rate.toFixed(0)}/s), in flight ${counts.received - counts.answered}, outbox ${backlog}, ` +
      `cpu nodes ${cpu('node-').toFixed(0)}% generator ${cpu('load generator').toFixed(0)}% ` +
      `machine ${usage.machinePercent.toFixed(0)}%`,
  );
  return { at: now, holds };
}

async function socketCount(urls: string[]): Promise<number> {
  const counts = await Promise.all(
    urls.map(async (url) => {
      try {
        const res = await fetch(`${url}${routeUrl('health')}`, {
          signal: AbortSignal.timeout(3000),
        });
        return ((await res.json()) as { data?: { sockets?: number } }).data?.sockets ?? 0;
      } catch {
        return 0;
      }
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
