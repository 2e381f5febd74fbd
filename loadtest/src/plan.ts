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
export interface RateRecord {
  sent: number[];
  answered: number[];
  ok: number[];
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
  http: (name: string) => `berth.http.${name}`,
} as const;
