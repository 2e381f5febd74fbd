import { bookingWindowSchema, type AckError } from '@berth/shared';
import { describeError } from '../../format/errors.ts';
import { shortDate } from '../../format/format.ts';
import type { Query } from './query.ts';

/** Why a search has no answer, in words, and a search that would have one. */
export interface SearchProblem {
  text: string;
  retry?: { label: string; query: Query };
}

/**
 * A refused search, said as what it is: a day that has passed, a day bookings are not open for
 * yet (with the window the server gave), or the same station twice. Anything else is the
 * server's own message.
 */
export function searchProblem(error: AckError, q: Query): SearchProblem {
  if (error.code === 'OUTSIDE_BOOKING_WINDOW') {
    const window = bookingWindowSchema.safeParse(error.details);
    if (window.success) {
      const { first, last, days } = window.data;
      // The window counts today: seven days are today and the next six.
      const later = days - 1;
      const open =
        later === 0
          ? 'for today only'
          : `for today and the next ${later === 1 ? 'day' : `${later} days`}, up to ${shortDate(last)}`;
      if (q.date < first) {
        return {
          text: `${shortDate(q.date)} has already passed. You can book ${open}.`,
          retry: { label: `Search today, ${shortDate(first)}`, query: { ...q, date: first } },
        };
      }
      return {
        text: `Bookings for ${shortDate(q.date)} are not open yet: you can book ${open}.`,
        retry: { label: `Search ${shortDate(last)}`, query: { ...q, date: last } },
      };
    }
  }
  if (error.code === 'VALIDATION' && q.from === q.to) {
    return { text: 'From and to are the same station. Choose where you are travelling to.' };
  }
  if (error.code === 'VALIDATION' && isAbout(error, 'date')) {
    return { text: `We cannot read the date “${q.date}”. Pick a day from the calendar.` };
  }
  return { text: describeError(error) };
}

/** The VALIDATION refusal names this field. */
function isAbout(error: AckError, field: string): boolean {
  const fields = error.details?.fields;
  return (
    Array.isArray(fields) &&
    fields.some(
      (f: unknown) => typeof f === 'object' && f !== null && 'path' in f && f.path === field,
    )
  );
}
