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
  'IDEMPOTENCY_MISMATCH',
  'IDEMPOTENCY_IN_PROGRESS',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AckError {
  code: ErrorCode;
  message: string;
  /** Machine-readable extras, e.g. `{ seatIds }` for SEAT_TAKEN. Never internal details. */
  details?: Record<string, unknown>;
}

/** Every command's acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
