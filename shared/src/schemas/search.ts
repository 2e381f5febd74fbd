import { z } from 'zod';
import { calendarDate, stationCode, text } from './common.ts';

export const searchRequestSchema = z
  .object({
    from: stationCode,
    to: stationCode,
    date: calendarDate,
  })
  .strict()
  .refine((r) => r.from !== r.to, { message: 'from and to are the same station', path: ['to'] });
export type SearchRequest = z.infer<typeof searchRequestSchema>;

/** GET /api/stations?prefix= : a station's code, name or city begins with it (all when empty). */
export const stationPrefixSchema = text({ max: 40 });

/** GET /api/stations/:code/departures?date= : a station's board; the date defaults to today. */
export const departuresRequestSchema = z
  .object({ code: stationCode, date: calendarDate.optional() })
  .strict();
export type DeparturesRequest = z.infer<typeof departuresRequestSchema>;

/**
 * The service dates a search answers: today to `last`, `days` dates in all, in the stations' time
 * zone ("YYYY-MM-DD"). The details of OUTSIDE_BOOKING_WINDOW.
 */
export const bookingWindowSchema = z.object({
  first: z.iso.date(),
  last: z.iso.date(),
  days: z.number().int().positive(),
});
export type BookingWindow = z.infer<typeof bookingWindowSchema>;

/** GET /api/calendar: the zone search dates are read in, today there, and the booking window. */
export const calendarSchema = z.object({
  timeZone: z.string(),
  today: z.iso.date(),
  bookingWindow: bookingWindowSchema,
});
export type Calendar = z.infer<typeof calendarSchema>;

export const classAvailabilitySchema = z.object({
  classCode: z.string(),
  className: z.string(),
  capacity: z.number(),
  /** Berths (or seats) free all along the segment that a hold may take: RAC berths excluded. */
  free: z.number(),
  /** Halves of RAC berths free all along the segment (berth classes; 0 in chair cars). */
  racHalvesFree: z.number(),
  /** Paid RAC passengers of the run's class: the next RAC place is number racCount + 1. */
  racCount: z.number(),
  /** Paid waitlisted passengers of the run's class: the next waitlist place is waitlistCount + 1. */
  waitlistCount: z.number(),
  /**
   * Whether a waitlist place can still be sold for this boarding: the waitlist is below
   * WAITLIST_LIMIT (paid places) and the chart is not prepared yet (CHART_MINUTES_BEFORE).
   */
  waitlistOpen: z.boolean(),
  farePaise: z.number(),
});
export type ClassAvailability = z.infer<typeof classAvailabilitySchema>;

export const searchResultSchema = z.object({
  runId: z.number(),
  trainNumber: z.string(),
  trainName: z.string(),
  serviceDate: z.string(),
  from: z.object({ seq: z.number(), code: z.string(), name: z.string(), departsAt: z.string() }),
  to: z.object({ seq: z.number(), code: z.string(), name: z.string(), arrivesAt: z.string() }),
  durationMinutes: z.number(),
  classes: z.array(classAvailabilitySchema),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
