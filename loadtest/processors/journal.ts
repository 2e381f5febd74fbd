import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import {
  LATENCY_BUCKETS_MS,
  SIGNALS,
  type JournalRecord,
  type Plan,
  type ProblemKind,
  type RateRecord,
} from '../src/plan.ts';

/**
 * What the virtual users of this Artillery worker tell the runner: JSON lines appended
 * synchronously to a file of this worker's own (one writer per file, whole lines), read by the
 * runner once Artillery has exited. Also the two signal files that pace every worker alike.
 */
export class Journal {
  private readonly file: string;
  private readonly ratesFile: string;
  private readonly rates: RateRecord = {
    sent: [],
    answered: [],
    ok: [],
    ack: [],
    fanout: [],
    errors: {},
  };
  private problems = 0;
  private t0: number | undefined;

  constructor(private readonly plan: Plan) {
    const id = `${process.pid}-${threadId}`;
    this.file = path.join(plan.dir, `journal-${id}.jsonl`);
    this.ratesFile = path.join(plan.dir, `rates-${id}.json`);
  }

  write(record: JournalRecord): void {
    fs.appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  /** Problems are counted in Artillery's metrics; the first few per worker are kept as examples. */
  problem(kind: ProblemKind, event: string, detail: string): void {
    if (++this.problems > 200) return;
    this.write({ t: 'problem', kind, event, detail: detail.slice(0, 500) });
  }

  /**
   * The run's t0: the first virtual user of any worker creates the file (O_EXCL, so exactly one
   * wins); everyone else reads it. Every instant of the plan is an offset from it.
   */
  start(): number {
    if (this.t0 !== undefined) return this.t0;
    const file = path.join(this.plan.dir, SIGNALS.t0);
    try {
      fs.writeFileSync(file, String(Date.now()), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // Another worker may have created it an instant ago and not written it yet.
    for (;;) {
      const text = fs.readFileSync(file, 'utf8');
      if (text) return (this.t0 = Number(text));
    }
  }

  at(offsetMs: number): number {
    return this.start() + offsetMs;
  }

  loadRunning(): boolean {
    return Date.now() < this.at(this.plan.timeline.loadEndMs);
  }

  drained(): boolean {
    return fs.existsSync(path.join(this.plan.dir, SIGNALS.drained));
  }

  /** Counts a hold attempt in this worker's per-second series (seconds since t0). */
  holdSent(at: number): void {
    bump(this.rates.sent, this.second(at));
  }

  holdAnswered(at: number, ok: boolean, ms: number): void {
    bump(this.rates.answered, this.second(at));
    if (ok) bump(this.rates.ok, this.second(at));
    bumpLatency(this.rates.ack, this.second(at), ms);
  }

  /** A batch reached this user `ms` after its newest change committed. */
  delivered(at: number, ms: number): void {
    bumpLatency(this.rates.fanout, this.second(at), ms);
  }

  /** A command answered with `code` (anything but OK), or LOST_ACK. */
  refused(at: number, code: string): void {
    bump((this.rates.errors[code] ??= []), this.second(at));
  }

  /** Overwrites this worker's series with everything so far (the last writer has it all). */
  flushRates(): void {
    fs.writeFileSync(this.ratesFile, JSON.stringify(this.rates));
  }

  private second(at: number): number {
    return Math.max(0, Math.floor((at - this.start()) / 1000));
  }
}

function bump(series: number[], i: number) {
  while (series.length <= i) series.push(0);
  series[i]! += 1;
}

function bumpLatency(series: number[][], i: number, ms: number) {
  while (series.length <= i) series.push([]);
  let b = LATENCY_BUCKETS_MS.findIndex((upper) => ms <= upper);
  if (b === -1) b = LATENCY_BUCKETS_MS.length;
  const buckets = series[i]!;
  while (buckets.length <= b) buckets.push(0);
  buckets[b]! += 1;
}

/** One journal per plan (per worker: plan.json is read once). */
const journals = new Map<string, Journal>();
export function journalFor(plan: Plan): Journal {
  let j = journals.get(plan.dir);
  if (!j) journals.set(plan.dir, (j = new Journal(plan)));
  return j;
}
