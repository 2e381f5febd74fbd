import { DomainError } from '../../common/errors.ts';

/** How a hold's refusals and retryable failures are recognised and worded. */

export function seatTaken(seatIds: number[]) {
  const unique = [...new Set(seatIds)].sort((a, b) => a - b);
  return new DomainError(
    'SEAT_TAKEN',
    unique.length === 1 ? 'That seat was just taken.' : 'Some of those seats were just taken.',
    { seatIds: unique },
  );
}

/** 23P01's detail names the conflicting key: `Key (seat_id, part, stops)=(42, ...)`. */
export function seatIdsFromExclusion(err: unknown, fallback: number[]): number[] {
  const detail = (err as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? /=\((\d+),/.exec(detail) : null;
  return match ? [Number(match[1])] : fallback;
}

export function isPnrCollision(err: unknown) {
  return (err as { constraint?: unknown }).constraint === 'bookings_pnr_key';
}

/** The run takes no more bookings (its status is no longer `scheduled`). */
export function runClosed(trainNumber: string): DomainError {
  return new DomainError('INVALID_STATE', `Train ${trainNumber} is no longer taking bookings.`);
}

/** The user already travels then (`pnr` is that journey's booking). */
export function journeyOverlap(pnr: string): DomainError {
  return new DomainError(
    'JOURNEY_OVERLAP',
    `You already have a journey at this time (PNR ${pnr}).`,
    { pnr },
  );
}

/** RAC or waitlisted passengers wait for this class on the segment: seats it frees are theirs. */
export function waitlistOpen(classCode: string): DomainError {
  return new DomainError(
    'WAITLIST_OPEN',
    `People are waiting for class ${classCode} on this journey: ask for places with booking:request, which keeps the queue's order.`,
    { classCode },
  );
}
