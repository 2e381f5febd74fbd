import { z } from 'zod';

/** Stable error codes: clients branch on these, so they never change meaning. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'SEAT_TAKEN',
  'JOURNEY_OVERLAP',
  'HOLD_EXPIRED',
  'INVALID_STATE',
  'PAYMENT_DECLINED',
  'PAYMENT_PENDING',
  'CANCELLATION_CLOSED',
  /**
   * A search date before today or after the last day bookings are open for (BOOKING_WINDOW_DAYS,
   * counted from today in the stations' time zone). `details` is the window: `{ first, last,
   * days }`, parsed with `bookingWindowSchema`.
   */
  'OUTSIDE_BOOKING_WINDOW',
  'IDEMPOTENCY_MISMATCH',
  'IDEMPOTENCY_IN_PROGRESS',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ackErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Machine-readable extras, e.g. `{ seatIds }` for SEAT_TAKEN. Never internal details. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AckError = z.infer<typeof ackErrorSchema>;

/** Every command's acknowledgement: `{ ok: true, data }` or `{ ok: false, error }`. */
export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ackErrorSchema }),
  ]);
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
