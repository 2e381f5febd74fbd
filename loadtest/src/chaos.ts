import type { Stack } from '@berth/server/src/cluster/stack.ts';
import { Random } from '../processors/random.ts';

/** A node is SIGKILLed this often during the load window, starting this far into it. */
export const KILL_EVERY_MS = 20_000;
const FIRST_KILL_MS = 10_000;
/** Room for the first two kills with Redis's and PostgreSQL's restarts between them. */
export const MIN_WINDOW_MS = 60_000;

export type FaultKind = 'kill-node' | 'restart-redis' | 'restart-postgres';

export interface Fault {
  /** Ms from the start of the load window. */
  atMs: number;
  kind: FaultKind;
  /** The node killed (index into the stack's nodes), for kill-node. */
  node?: number;
}

/** A fault as it happened: when it began and how long until the component was back. */
export interface FaultDone extends Fault {
  /** Ms from t0 (the instant the first virtual user started), as the report's charts count. */
  startedAtMs: number;
  downMs: number;
  error?: string;
}

/**
 * The faults of one window of `windowMs`: a random node (seeded) SIGKILLed and restarted every
 * 20 s from 10 s in; Redis restarted once and PostgreSQL once, each halfway between two kills
 * (Redis first), so no fault overlaps another and each leaves time to watch the recovery.
 * Deterministic for a seed, so a failing run can be run again.
 */
export function chaosSchedule(windowMs: number, nodes: number, seed: number): Fault[] {
  if (windowMs < MIN_WINDOW_MS)
    throw new Error(`a chaos window is at least ${MIN_WINDOW_MS / 1000} s`);
  const random = new Random(seed, 7919);
  const faults: Fault[] = [];
  for (let at = FIRST_KILL_MS; at < windowMs; at += KILL_EVERY_MS)
    faults.push({ atMs: at, kind: 'kill-node', node: random.int(0, nodes - 1) });
  const halfway = (k: number) => FIRST_KILL_MS + KILL_EVERY_MS * k + KILL_EVERY_MS / 2;
  faults.push({ atMs: halfway(0), kind: 'restart-redis' });
  faults.push({ atMs: halfway(1), kind: 'restart-postgres' });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export function describeFault(f: Fault): string {
  if (f.kind === 'kill-node') return `SIGKILL node-${(f.node ?? 0) + 1}, then restart it`;
  return f.kind === 'restart-redis' ? 'restart Redis' : 'restart PostgreSQL';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Runs `faults` against the stack, the window starting at `windowStart` (epoch ms), one after
 * another, each waited for until its component is back. Stops early when `abort` fires.
 */
export async function runChaos(args: {
  faults: Fault[];
  stack: Stack;
  t0: number;
  windowStart: number;
  print: (line: string) => void;
  abort: AbortSignal;
}): Promise<FaultDone[]> {
  const done: FaultDone[] = [];
  for (const fault of args.faults) {
    await sleep(args.windowStart + fault.atMs - Date.now());
    if (args.abort.aborted) break;
    const started = Date.now();
    let error: string | undefined;
    try {
      if (fault.kind === 'kill-node') await args.stack.restartNode(fault.node ?? 0);
      else if (fault.kind === 'restart-redis') await args.stack.restartRedis();
      else await args.stack.db.restartEmbedded();
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const downMs = Date.now() - started;
    done.push({ ...fault, startedAtMs: started - args.t0, downMs, ...(error ? { error } : {}) });
    args.print(
      `[loadtest chaos t0+${((started - args.t0) / 1000).toFixed(0)} s] ${describeFault(fault)}: ` +
        (error ? `FAILED (${error})` : `back in ${(downMs / 1000).toFixed(1)} s`),
    );
  }
  return done;
}
