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
   * People wait for this class on an overlapping segment (RAC or waitlisted bookings): seats are
   * not held directly there, so nobody jumps the queue. Ask with `booking:request` instead.
   */
  'WAITLIST_OPEN',
  /**
   * The class is full for the segment and its waitlist takes no one more: it has no room for the
   * party (`WAITLIST_LIMIT` passengers, paid and unpaid places together; `details`:
   * `{ waitlistLimit }`), or the chart for this boarding is prepared (`details`: `{ chartedAt }`,
   * ISO), after which a waitlisted booking would only be cancelled. Nothing was taken; try
   * another class or train.
   */
  'WAITLIST_CLOSED',
  /**
   * A search date before today or after the last day bookings are open for (BOOKING_WINDOW_DAYS,
   * counted from today in the stations' time zone). `details` is the window: `{ first, last,
   * days }`, parsed with `bookingWindowSchema`.
   */
  'OUTSIDE_BOOKING_WINDOW',
  'IDEMPOTENCY_MISMATCH',
  'IDEMPOTENCY_IN_PROGRESS',
  'RATE_LIMITED',
  /**
   * The command could not be taken now (the client is offline, or the service cannot reach what
   * it needs): nothing happened; retry with the same idempotency key, after `retryAfterMs` when
   * the details give it.
   */
  'UNAVAILABLE',
  /**
   * The node has more commands waiting for the database than it will queue: the command was
   * answered at once, before anything was claimed or written. Retry after `details.retryAfterMs`
   * with the same idempotency key.
   */
  'OVERLOADED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes that leave the outcome unknown or untried: a retry must reuse the idempotency key, so it
 * is answered with the first attempt's outcome rather than run twice. Every other code is a
 * definite answer that ends the attempt.
 */
export const RETRY_WITH_SAME_KEY: readonly ErrorCode[] = ['INTERNAL', 'UNAVAILABLE', 'OVERLOADED'];

/** The details of OVERLOADED, of RATE_LIMITED and of the server's UNAVAILABLE: when to try again. */
export const retryAfterSchema = z.object({ retryAfterMs: z.number().int().positive() });

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
