import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  Envelope,
  HoldPlan,
  Receipt,
  WorkerFailure,
  WorkerReply,
  WorkerRequest,
} from './protocol.ts';
import { readCpuMs } from '../../src/cluster/proc.ts';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client-worker.ts');

type Reply<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;

/** One forked client process and a request/answer channel to it. */
export class ClientWorker {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (reply: WorkerReply | WorkerFailure) => void>();
  private nextId = 0;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    nice = 0,
  ) {
    this.child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // IPC messages of a few hundred receipts are small; JSON is the cheapest choice.
      serialization: 'json',
    });
    if (nice !== 0 && this.child.pid !== undefined) os.setPriority(this.child.pid, nice);
    this.child.on('message', (msg: Envelope<WorkerReply> | WorkerFailure) => {
      const cb = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      cb?.(msg);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    void this.exited.then(() => {
      for (const cb of this.waiting.values())
        cb({ id: -1, type: 'error', message: `${name} exited` });
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  cpuMs(): number {
    return readCpuMs(this.pid);
  }

  call<T extends WorkerReply['type']>(req: WorkerRequest): Promise<Reply<T>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => {
        if (reply.type === 'error') reject(new Error(`${this.name}: ${reply.message}`));
        else resolve(reply as Reply<T>);
      });
      this.child.send({ ...req, id });
    });
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A batch as all watchers saw it: how many got it, and the first and last receipt. */
export interface MergedReceipt {
  key: string;
  count: number;
  first: number;
  last: number;
}

/**
 * The watcher processes (sockets spread evenly over them and over the nodes) and one holder
 * process with the signed-in sockets that make the changes.
 */
export class ClientPool {
  readonly watchers: ClientWorker[];
  readonly holder = new ClientWorker('holder');

  /**
   * `watcherNice`: the simulated browsers stand in for thousands of remote machines; on these 2
   * shared cores they run at a lower priority so they take the CPU the nodes, PostgreSQL and Redis
   * leave over, instead of competing with the system under test. The holder (whose acks are
   * measured) keeps normal priority.
   */
  constructor(watcherProcesses: number, watcherNice = 0) {
    this.watchers = Array.from(
      { length: watcherProcesses },
      (_, i) => new ClientWorker(`watchers-${i + 1}`, watcherNice),
    );
  }

  /** Adds `count` sockets, split over the watcher processes; each alternates over `ports`. */
  async connect(ports: number[], count: number, watch: HoldPlanWatch | null) {
    const share = (i: number) =>
      Math.floor(count / this.watchers.length) + (i < count % this.watchers.length ? 1 : 0);
    const replies = await Promise.all(
      this.watchers.map((w, i) =>
        w.call<'connected'>({
          type: 'connect',
          // Rotate the port order per worker so odd shares still split evenly over the nodes.
          ports: i % 2 === 0 ? ports : [...ports].reverse(),
          count: share(i),
          watch,
        }),
      ),
    );
    const failed = replies.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) {
      const why = replies.find((r) => r.firstError)?.firstError;
      throw new Error(`${failed} of ${count} sockets failed to connect: ${why}`);
    }
    return Math.max(...replies.map((r) => r.ms));
  }

  async closeWatchers() {
    await Promise.all(this.watchers.map((w) => w.call<'closed'>({ type: 'close' })));
  }

  async resetReceipts() {
    await Promise.all(this.watchers.map((w) => w.call<'ok'>({ type: 'receipts:reset' })));
  }

  /** Every batch seen since the last reset, merged over the watcher processes. */
  async takeReceipts(): Promise<MergedReceipt[]> {
    const replies = await Promise.all(
      this.watchers.map((w) => w.call<'receipts'>({ type: 'receipts:take' })),
    );
    const merged = new Map<string, MergedReceipt>();
    for (const [key, count, first, last] of replies.flatMap((r): Receipt[] => r.receipts)) {
      const m = merged.get(key);
      if (!m) merged.set(key, { key, count, first, last });
      else {
        m.count += count;
        m.first = Math.min(m.first, first);
        m.last = Math.max(m.last, last);
      }
    }
    return [...merged.values()];
  }

  /** Connects one signed-in holder socket per token, alternating over `ports`. */
  async connectHolders(ports: number[], tokens: string[]) {
    const reply = await this.holder.call<'connected'>({
      type: 'connect',
      ports,
      count: tokens.length,
      watch: null,
      tokens,
    });
    if (reply.failed > 0)
      throw new Error(`${reply.failed} holder sockets failed to connect: ${reply.firstError}`);
  }

  closeHolders() {
    return this.holder.call<'closed'>({ type: 'close' });
  }

  holds(plan: HoldPlan, first: number, count: number, ratePerSecond: number) {
    return this.holder.call<'holds:done'>({ type: 'holds', plan, first, count, ratePerSecond });
  }

  /** CPU milliseconds used so far by all client processes. */
  cpuMs(): number {
    return [...this.watchers, this.holder].reduce((sum, w) => sum + w.cpuMs(), 0);
  }

  async stop() {
    await Promise.all([...this.watchers, this.holder].map((w) => w.stop()));
  }
}

export type HoldPlanWatch = { runId: number; from: string; to: string };
