/**
 * Messages between the bench (parent) and its client workers over the fork IPC channel. Every
 * request carries an `id`; the worker answers with the same `id`.
 */

/** What a hold needs to know about the run: hold `i` takes seat `i % S` on segment `i / S`. */
export interface HoldPlan {
  runId: number;
  /** Station codes in route order; segment k is stops[k] -> stops[k + 1]. */
  stops: string[];
  /** One seat per holder socket (socket j holds seat j). */
  seatIds: number[];
  /** Prefix of the idempotency keys, unique per side. */
  keyPrefix: string;
}

export type WorkerRequest =
  | {
      type: 'connect';
      /** Node ports; socket i goes to ports[i % ports.length]. */
      ports: number[];
      count: number;
      /** Watch this run after connecting (null: an idle socket). */
      watch: { runId: number; from: string; to: string } | null;
      /** One access token per socket (signed-in sockets), else anonymous. */
      tokens?: string[];
    }
  | { type: 'close' }
  | { type: 'receipts:reset' }
  | { type: 'receipts:take' }
  | {
      type: 'holds';
      plan: HoldPlan;
      /** Hold indexes [first, first + count), sent at `ratePerSecond`. */
      first: number;
      count: number;
      ratePerSecond: number;
    };

/** One `seats:changed` batch as this worker saw it: how many sockets got it, first and last. */
export type Receipt = [key: string, count: number, first: number, last: number];

export type WorkerReply =
  | { type: 'connected'; opened: number; failed: number; firstError?: string; ms: number }
  | { type: 'closed' }
  | { type: 'ok' }
  | { type: 'receipts'; receipts: Receipt[] }
  | {
      type: 'holds:done';
      /** Emit-to-ack milliseconds of every answered hold. */
      latencies: number[];
      /** Answers by code (`OK` for success); `NO_ACK` for holds unanswered at the deadline. */
      codes: Record<string, number>;
      /** From the first emit to the last ack: the achieved rate is answers / elapsed. */
      elapsedMs: number;
    };

export type Envelope<T> = T & { id: number };

export type WorkerFailure = { id: number; type: 'error'; message: string };

/** The key a batch is recognised by across workers: its commit time and first seat version. */
export function receiptKey(committedAt: string, seat: string): string {
  return `${committedAt}|${seat}`;
}

/** `committedAt` of a key, in ms since epoch. */
export function committedAtOf(key: string): number {
  return Date.parse(key.slice(0, key.indexOf('|')));
}
