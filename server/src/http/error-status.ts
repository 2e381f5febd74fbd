import type { ErrorCode } from '@berth/shared';

/** HTTP status for each error code; the JSON body carries the code itself. */
export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SEAT_TAKEN: 409,
  JOURNEY_OVERLAP: 409,
  HOLD_EXPIRED: 409,
  INVALID_STATE: 409,
  PAYMENT_DECLINED: 402,
  PAYMENT_PENDING: 202,
  CANCELLATION_CLOSED: 409,
  WAITLIST_OPEN: 409,
  WAITLIST_CLOSED: 409,
  // A well-formed request the booking rules refuse (not a conflict with anyone's state).
  OUTSIDE_BOOKING_WINDOW: 422,
  IDEMPOTENCY_MISMATCH: 422,
  IDEMPOTENCY_IN_PROGRESS: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  OVERLOADED: 503,
  INTERNAL: 500,
};
