import type { BookingView } from '@berth/shared';

/**
 * Still ahead of the passenger: a ticket, a hold that can still be paid, or a payment with the
 * bank, on a journey that has not ended. Everything else (released, ran out, cancelled,
 * travelled) is history. `nowMs` is on the server's clock, like a hold's countdown.
 */
export function isUpcoming(b: BookingView, nowMs: number): boolean {
  if (Date.parse(b.to.arrivesAt) <= nowMs) return false;
  switch (b.status) {
    case 'confirmed':
    case 'rac':
    case 'waitlisted':
    case 'paying':
      return true;
    case 'held':
      return Date.parse(b.expiresAt) > nowMs;
    default:
      return false;
  }
}

/** Upcoming trips soonest first; the rest newest first, as they were made. */
export function groupBookings(
  list: readonly BookingView[],
  nowMs: number,
): { upcoming: BookingView[]; past: BookingView[] } {
  const upcoming = list.filter((b) => isUpcoming(b, nowMs));
  const past = list.filter((b) => !isUpcoming(b, nowMs));
  upcoming.sort((a, b) => Date.parse(a.from.departsAt) - Date.parse(b.from.departsAt));
  past.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return { upcoming, past };
}
