import { z } from 'zod';
import { BOOKING_STATUSES, REFUND_STATUSES } from './booking.ts';
import { id, serialId, stationCode } from './common.ts';
import { seatDeltaSchema, seatMapSchema } from './seats.ts';

/** Watch a run's seats for one segment: the ack carries the snapshot, then deltas follow. */
export const runWatchSchema = z
  .object({ runId: serialId, from: stationCode, to: stationCode })
  .strict();
export type RunWatch = z.infer<typeof runWatchSchema>;

export const runUnwatchSchema = z.object({ runId: serialId }).strict();
export type RunUnwatch = z.infer<typeof runUnwatchSchema>;

/** "I am looking at this seat": shown to the run's other watchers for a few seconds. */
export const seatSelectSchema = z.object({ runId: serialId, seatId: id }).strict();
export type SeatSelect = z.infer<typeof seatSelectSchema>;

/** Swap the socket's access token for a fresh one (after a refresh) without reconnecting. */
export const authRenewSchema = z.object({ accessToken: z.string().min(10).max(4096) }).strict();
export type AuthRenew = z.infer<typeof authRenewSchema>;

export const runSnapshotSchema = seatMapSchema.extend({
  /** Server clock when the snapshot was read (ISO). */
  serverNow: z.string(),
  /** Seats someone is looking at right now, and until when to show it. */
  selecting: z.array(z.object({ seatId: z.number(), until: z.string() })),
});
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;

/** A batch of committed seat changes of one run (all segments: clients derive their own). */
export const seatsChangedSchema = z.object({
  runId: z.number(),
  seats: z.array(seatDeltaSchema),
  /** When the newest change in the batch committed (ISO), for fan-out latency. */
  committedAt: z.string(),
});
export type SeatsChanged = z.infer<typeof seatsChangedSchema>;

/** Every few seconds per watched run: a client whose versions add up differently missed a batch. */
export const seatsDigestSchema = z.object({
  runId: z.number(),
  seatCount: z.number(),
  versionSum: z.number(),
  at: z.string(),
});
export type SeatsDigest = z.infer<typeof seatsDigestSchema>;

export const holdExpiringSchema = z.object({
  bookingId: z.number(),
  pnr: z.string(),
  expiresAt: z.string(),
  serverNow: z.string(),
});
export type HoldExpiring = z.infer<typeof holdExpiringSchema>;

/**
 * The RAC or waitlist of one class of a watched run changed (a place paid into it, a promotion,
 * a cancellation): its free, RAC and WL counts may have moved although no seat delta says so
 * (waitlisted passengers have no seats). Clients re-read their own segment's counts.
 */
export const queueChangedSchema = z.object({ runId: z.number(), classCode: z.string() });
export type QueueChanged = z.infer<typeof queueChangedSchema>;

export const holdExpiredSchema = z.object({ bookingId: z.number(), pnr: z.string() });
export type HoldExpired = z.infer<typeof holdExpiredSchema>;

/** A change to one of the user's bookings; fetch the booking for the full picture. */
export const bookingUpdatedSchema = z.object({
  bookingId: z.number(),
  pnr: z.string(),
  status: z.enum(BOOKING_STATUSES).optional(),
  refund: z.enum(REFUND_STATUSES).optional(),
  /**
   * Set when a cancellation elsewhere moved this booking up (waitlisted to RAC or confirmed, RAC
   * to confirmed), not the user's own doing: worth telling them wherever they are in the app.
   */
  promoted: z.literal(true).optional(),
});
export type BookingUpdated = z.infer<typeof bookingUpdatedSchema>;

export const seatSelectingSchema = z.object({
  runId: z.number(),
  seatId: z.number(),
  /** Until when to show the mark (ISO). */
  until: z.string(),
});
export type SeatSelecting = z.infer<typeof seatSelectingSchema>;

export const authRenewedSchema = z.object({ userId: z.number(), expiresAt: z.string() });
export type AuthRenewed = z.infer<typeof authRenewedSchema>;
