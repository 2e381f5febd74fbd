import type { BookingWindow, Calendar } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Config } from '../../config/env.ts';

/** Today's date (YYYY-MM-DD) in `timeZone`. */
export function today(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
}

/** `date` (YYYY-MM-DD) plus `days` calendar days; a calendar date has no time zone. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The service dates bookings are open for: today and the BOOKING_WINDOW_DAYS - 1 after it. */
export function bookingWindow(
  config: Pick<Config, 'BOOKING_WINDOW_DAYS' | 'BERTH_TIMEZONE'>,
  now = new Date(),
): BookingWindow {
  const first = today(config.BERTH_TIMEZONE, now);
  const days = config.BOOKING_WINDOW_DAYS;
  return { first, last: addDays(first, days - 1), days };
}

/**
 * Refuses a date outside the window with the window itself, so a client can say which way the
 * date is off and offer the nearest day instead of "no trains". YYYY-MM-DD compares as text.
 */
export function assertInBookingWindow(window: BookingWindow, date: string): void {
  if (date >= window.first && date <= window.last) return;
  const message =
    date < window.first
      ? `${date} has passed: trains can be booked from ${window.first} to ${window.last}.`
      : `Bookings for ${date} are not open yet: trains can be booked up to ${window.last}.`;
  throw new DomainError('OUTSIDE_BOOKING_WINDOW', message, { ...window });
}

/** GET /api/calendar: the zone search dates are read in, today there, and the booking window. */
export function calendar(
  config: Pick<Config, 'BOOKING_WINDOW_DAYS' | 'BERTH_TIMEZONE'>,
  now = new Date(),
): Calendar {
  const window = bookingWindow(config, now);
  return { timeZone: config.BERTH_TIMEZONE, today: window.first, bookingWindow: window };
}
