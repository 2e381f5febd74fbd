import { z } from 'zod';

/**
 * What the runner tells the processors (plan.json in the report folder), and what the
 * processors tell the runner back (JSON lines in the same folder). Both sides import this file,
 * so the two cannot drift.
 */

const segment = z.object({ from: z.string(), to: z.string() });
export type Segment = z.infer<typeof segment>;

const watchTarget = z.object({ runId: z.number(), from: z.string(), to: z.string() });
export type WatchTarget = z.infer<typeof watchTarget>;

export const planSchema = z.object({
  scenario: z.string(),
  seed: z.number().int(),
  /** Where the journals and the signal files live (the report folder). */
  dir: z.string(),
  /** One node (or the balancer in front of them) for the processors' HTTP calls. */
  httpTarget: z.string(),
  ackTimeoutMs: z.number().int().positive(),
  /**
   * Nodes, Redis and PostgreSQL are killed and restarted during the run (`--chaos`): an ack lost
   * to a killed node or a dropped connection is retried with the same key once reconnected, and
   * two more personas join the rush (offsets in ms from the rush instant): every `slowEvery`-th
   * user stops reading its socket for `slowForMs` (a slow consumer, whom the server must drop
   * messages for), and every second user reconnects at once at `stormAtMs` (a reconnect storm).
   * Null without chaos.
   */
  chaos: z
    .object({
      slowEvery: z.number().int().positive(),
      slowAtMs: z.number(),
      slowForMs: z.number(),
      stormAtMs: z.number(),
    })
    .nullable(),
  /** Offsets in ms from t0, the instant the first virtual user started. */
  timeline: z.object({
    arriveMs: z.number(),
    /** Rush holds start here (when the scenario has a rush). */
    rushAtMs: z.number(),
    rushMs: z.number(),
    rampMs: z.number(),
    /** No virtual user sends a state-changing command after this. */
    loadEndMs: z.number(),
    /** How long a virtual user waits for the drained signal before reporting its map anyway. */
    drainWaitMs: z.number(),
  }),
  rush: z.object({
    targets: z.array(watchTarget),
    peakPerSecond: z.number(),
    /** The participants the peak is spread over: each adds peak / participants to the rate. */
    participants: z.number().int().positive(),
  }),
  snipers: z.object({
    runId: z.number(),
    segments: z.array(segment),
    /** Round r races for hotSeats[r]; rounds start roundEveryMs apart from firstRoundMs. */
    hotSeats: z.array(z.array(z.number())),
    firstRoundMs: z.number(),
    roundEveryMs: z.number(),
  }),
  buyers: z.object({
    date: z.string(),
    searches: z.array(segment),
    /** Share of buyers who let their hold go instead of paying; of those who paid, who cancel. */
    releaseShare: z.number(),
    cancelShare: z.number(),
  }),
  kiosks: z.object({ date: z.string(), stations: z.array(z.string()) }),
  watchers: z.object({ targets: z.array(watchTarget) }),
});
export type Plan = z.infer<typeof planSchema>;

/** One line of a journal. Times are ms since the epoch on this machine's clock. */
export type JournalRecord =
  | {
      t: 'hold';
      vu: number;
      persona: string;
      bookingId: number;
      runId: number;
      seatIds: number[];
      fromSeq: number;
      toSeq: number;
      ackAt: number;
    }
  /** The booking's seats were let go (release or cancel acknowledged, or sent and unanswered). */
  | { t: 'end'; bookingId: number; how: 'released' | 'cancelled'; sentAt: number; acked: boolean }
  | { t: 'confirmed'; vu: number; bookingId: number; pnr: string }
  | {
      t: 'contend';
      seatId: number;
      from: string;
      to: string;
      outcome: string;
    }
  | { t: 'problem'; kind: ProblemKind; event: string; detail: string }
  | {
      t: 'map';
      vu: number;
      persona: string;
      runId: number;
      from: string;
      to: string;
      /** [seatId, version, state] */
      seats: [number, number, string][];
      digestBehind: number;
      resyncs: number;
      drained: boolean;
    };

export type ProblemKind = 'CONTRACT' | 'INTERNAL' | 'LOST_ACK' | 'PROCESSOR';

/** Hold attempts per second since t0, per worker: sent, answered (any code), and held. */
/**
 * Upper bounds (ms) of the latency buckets the per-second series count in; a last bucket takes
 * the rest. Coarse on purpose: a chart's p99 per second needs the bucket, not the sample.
 */
export const LATENCY_BUCKETS_MS = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

/** Per second since t0, summed over the workers: what report.html charts. */
export interface RateRecord {
  sent: number[];
  answered: number[];
  ok: number[];
  /** Hold acks per second, counted per latency bucket (LATENCY_BUCKETS_MS, then the rest). */
  ack: number[][];
  /** Batch deliveries per second (by arrival), per latency bucket. */
  fanout: number[][];
  /** Refusals and failures of every command per second, by code. */
  errors: Record<string, number[]>;
}

export const SIGNALS = {
  /** Written once, by the first virtual user to start: its Date.now(). */
  t0: 't0',
  /** Written by the runner once every command is answered and the outbox is empty. */
  drained: 'drained',
} as const;

/** Codes a run expects under load; anything else unanswered or unknown is counted against it. */
export const EXPECTED_CODES = [
  'OK',
  'SEAT_TAKEN',
  'JOURNEY_OVERLAP',
  'PAYMENT_DECLINED',
  'RATE_LIMITED',
  // A second OVERLOADED after the one retry: the node turned the command away, nothing happened.
  'OVERLOADED',
] as const;

/** Artillery metric names, built in one place. */
export const metric = {
  ack: (event: string) => `berth.ack.${event.replace(':', '_')}`,
  code: (event: string, code: string) => `berth.code.${event.replace(':', '_')}.${code}`,
  fanout: 'berth.fanout',
  /** From a reconnect (or a digest that found a map behind) to fresh snapshots of every map. */
  converge: 'berth.converge_ms',
  /** Maps still not fresh 10 s after their reconnect: each fails the run. */
  convergeStale: 'berth.converge_stale',
  http: (name: string) => `berth.http.${name}`,
} as const;
