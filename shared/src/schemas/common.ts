import { z } from 'zod';

/*
 * Every input says what its column can hold, so hostile input is refused here as VALIDATION and
 * never reaches PostgreSQL unchecked (where it would fail as an internal error).
 */

/** The largest value of an `integer` (int4) column, such as a `serial` id. */
export const INT4_MAX = 2_147_483_647;

/** A `bigserial` id (users, seats, bookings): JSON numbers are exact up to 2^53 - 1. */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A `serial` (int4) id: runs. */
export const serialId = z.number().int().positive().max(INT4_MAX);

/**
 * Characters a text column takes from a client: no control characters (PostgreSQL refuses NUL
 * in `text` and `jsonb`; the rest have no place in a name or a search) and no lone surrogate
 * halves (not UTF-8, refused in `jsonb`).
 */
export const TEXT_PATTERN = /^[^\p{Cc}\p{Cs}]*$/u;

/** Client text for a column: trimmed, `min` to `max` characters, of TEXT_PATTERN. */
export const text = (opts: { min?: number; max: number }) =>
  z
    .string()
    .trim()
    .min(opts.min ?? 0)
    .max(opts.max)
    .regex(TEXT_PATTERN, 'no control characters');

/** The dates a `date` column of ours holds; a date outside them is a malformed request. */
export const MIN_DATE = '2000-01-01';
export const MAX_DATE = '2099-12-31';

/**
 * A calendar date, YYYY-MM-DD, from MIN_DATE to MAX_DATE. Which of those dates can be booked is a
 * domain rule with its own answer (OUTSIDE_BOOKING_WINDOW), not this one.
 */
export const calendarDate = z.iso
  .date()
  .refine((d) => d >= MIN_DATE && d <= MAX_DATE, `a date from ${MIN_DATE} to ${MAX_DATE}`);

export const stationCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2,6}$/, 'a station code is 2 to 6 letters');

/** Client-chosen, unique per user and command; a retry sends the same one. */
export const idempotencyKey = z
  .string()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

/** A booking's PNR: 10 letters and digits (case does not matter). */
export const pnrSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{10}$/, 'a PNR is 10 letters and digits');
