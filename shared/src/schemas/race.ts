import { z } from 'zod';
import { ERROR_CODES } from '../errors.ts';
import { id } from './common.ts';

export const MAX_CONTENDERS = 50;

/** Race N demo users for one seat of the demo run. */
export const raceStartSchema = z
  .object({ seatId: id, contenders: z.number().int().min(2).max(MAX_CONTENDERS) })
  .strict();
export type RaceStart = z.infer<typeof raceStartSchema>;

export const raceWatchSchema = z.object({}).strict();

/** POST /api/demo/session : a session as demo user `contender` (demo01..demo50). */
export const demoSessionSchema = z
  .object({ contender: z.number().int().min(1).max(MAX_CONTENDERS) })
  .strict();

/** Where the race happens: the demo run and its segment. */
export const demoInfoSchema = z.object({ runId: z.number(), from: z.string(), to: z.string() });
export type DemoInfo = z.infer<typeof demoInfoSchema>;

export const raceEntrySchema = z.object({
  contender: z.string(),
  /** The node that ran this contender's hold. */
  node: z.string(),
  outcome: z.union([z.literal('WON'), z.enum(ERROR_CODES)]),
  /** Time spent waiting inside `SELECT ... FOR UPDATE` on the seat row. */
  lockWaitMs: z.number(),
  totalMs: z.number(),
  /**
   * When this contender's transaction got the seat row's lock, on PostgreSQL's clock (one clock
   * for every node; ISO, microseconds), so entries sort in the order the lock let them through.
   * Null when it never reached the lock (refused before it, e.g. by the journey-overlap rule).
   */
  lockedAt: z.string().nullable(),
  /** When that transaction ended and let the lock go (same clock); null if it never held it. */
  unlockedAt: z.string().nullable(),
});
export type RaceEntry = z.infer<typeof raceEntrySchema>;

export const raceResultSchema = z.object({
  raceId: z.string(),
  runId: z.number(),
  seatId: z.number(),
  winner: z.string().nullable(),
  entries: z.array(raceEntrySchema),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type RaceResult = z.infer<typeof raceResultSchema>;
