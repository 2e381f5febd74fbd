import type { AckError, ErrorCode } from '@berth/shared';

/** What each code means to a passenger; the server's own message adds the specifics. */
const PLAIN: Partial<Record<ErrorCode, string>> = {
  SEAT_TAKEN: 'Someone else got that seat a moment before you. Please pick another.',
  JOURNEY_OVERLAP: 'You already have a booking on a journey at the same time.',
  HOLD_EXPIRED: 'Your hold ran out and the seats were released. Please pick seats again.',
  PAYMENT_DECLINED: 'Your bank declined the payment. Nothing was charged; you can try again.',
  PAYMENT_PENDING:
    'We are still waiting to hear from your bank. Your booking will update on its own.',
  UNAUTHENTICATED: 'Please sign in to continue.',
  FORBIDDEN: 'You are not allowed to do that.',
  RATE_LIMITED: 'That was a lot of requests at once. Please wait a moment and try again.',
  WAITLIST_OPEN:
    'People are already waiting for this class: ask for places, and you join the queue in turn.',
  WAITLIST_CLOSED:
    'This class is full and its waitlist is closed. Please try another class or train.',
  CANCELLATION_CLOSED: 'This booking can no longer be cancelled: departure is too close.',
  OVERLOADED: 'Berth is very busy right now. Please try again in a moment.',
  UNAVAILABLE: 'You are offline. We will reconnect as soon as we can; then try again.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
};

/** A message a passenger understands. Server messages are written for people, so they win. */
export function describeError(error: Pick<AckError, 'code' | 'message'>): string {
  // The server's SEAT_TAKEN message lists seat ids; the passenger needs the plain version.
  if (error.code === 'SEAT_TAKEN') return PLAIN.SEAT_TAKEN!;
  return error.message || PLAIN[error.code] || PLAIN.INTERNAL!;
}
