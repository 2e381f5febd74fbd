import { z } from 'zod';
import { id, idempotencyKey, serialId, stationCode, text } from './common.ts';

export const BERTH_PREFERENCES = ['LB', 'MB', 'UB', 'SL', 'SU', 'WINDOW', 'AISLE', 'NONE'] as const;

/** As a ticket prints it: female, male, or another gender (transgender on Indian tickets). */
export const GENDERS = ['F', 'M', 'X'] as const;
export type Gender = (typeof GENDERS)[number];

export const passengerSchema = z
  .object({
    name: text({ min: 1, max: 60 }),
    age: z.number().int().min(0).max(125),
    gender: z.enum(GENDERS).optional(),
    berthPreference: z.enum(BERTH_PREFERENCES).optional(),
  })
  .strict();
export type Passenger = z.infer<typeof passengerSchema>;

export const MAX_SEATS_PER_BOOKING = 6;

/** Hold 1 to 6 seats of one run for the segment `from` -> `to`, one passenger per seat. */
export const holdRequestSchema = z
  .object({
    runId: serialId,
    from: stationCode,
    to: stationCode,
    seatIds: z
      .array(id)
      .min(1)
      .max(MAX_SEATS_PER_BOOKING)
      .refine((ids) => new Set(ids).size === ids.length, 'a seat appears twice'),
    passengers: z.array(passengerSchema).min(1).max(MAX_SEATS_PER_BOOKING),
    idempotencyKey,
  })
  .strict()
  .refine((r) => r.seatIds.length === r.passengers.length, {
    message: 'one passenger per seat',
    path: ['passengers'],
  })
  .refine((r) => r.from !== r.to, { message: 'from and to must differ', path: ['to'] });
export type HoldRequest = z.infer<typeof holdRequestSchema>;

/**
 * Ask for places for a party in a class, without picking seats: whole berths if the class has
 * them free for the segment, else RAC halves (berth classes), else waitlist places. The place is
 * held like a hold and paid with `booking:pay`.
 */
export const placeRequestSchema = z
  .object({
    runId: serialId,
    from: stationCode,
    to: stationCode,
    classCode: z.string().regex(/^[A-Z0-9]{2,3}$/, 'a class code such as SL or 3A'),
    passengers: z.array(passengerSchema).min(1).max(MAX_SEATS_PER_BOOKING),
    idempotencyKey,
  })
  .strict()
  .refine((r) => r.from !== r.to, { message: 'from and to must differ', path: ['to'] });
export type PlaceRequest = z.infer<typeof placeRequestSchema>;

export const releaseRequestSchema = z.object({ bookingId: id }).strict();
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

export const payRequestSchema = z.object({ bookingId: id, idempotencyKey }).strict();
export type PayRequest = z.infer<typeof payRequestSchema>;

export const cancelRequestSchema = z.object({ bookingId: id, idempotencyKey }).strict();
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

export const BOOKING_STATUSES = [
  'held',
  'paying',
  'confirmed',
  /** Paid, sharing a side-lower berth with another RAC passenger; waits for a berth of its own. */
  'rac',
  /** Paid, with no seat yet; promoted to RAC or a berth as others cancel. */
  'waitlisted',
  'expired',
  'released',
  'cancelled',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Paid and still travelling: a ticket, a RAC place or a waitlist place (each may be cancelled for a refund). */
export const PAID_STATUSES = ['confirmed', 'rac', 'waitlisted'] as const;
export const isPaid = (status: BookingStatus): boolean =>
  (PAID_STATUSES as readonly BookingStatus[]).includes(status);

/**
 * The kind of place a booking asked for and holds: whole berths (or seats), halves of RAC
 * berths, or waitlist places. Payment makes them `confirmed`, `rac` or `waitlisted`.
 */
export const PLACE_KINDS = ['berth', 'rac', 'waitlist'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const bookedSeatSchema = z.object({
  seatId: z.number(),
  coach: z.string(),
  number: z.number(),
  berth: z.string(),
  label: z.string(),
  passengerName: z.string(),
  passengerAge: z.number(),
  berthPreference: z.string().nullable(),
});
export type BookedSeat = z.infer<typeof bookedSeatSchema>;

/**
 * One traveller of a booking with where they stand, as a PNR enquiry prints it: `CNF S1/36 LB`
 * on a berth of their own, `RAC 4` sharing one, `WL 12` waiting (numbers per run and class, in
 * order of payment, counted in passengers), `HELD ...` while unpaid, `CAN` once cancelled.
 */
export const passengerStandingSchema = z.object({
  name: z.string(),
  age: z.number(),
  gender: z.enum(GENDERS).nullable(),
  berthPreference: z.string().nullable(),
  standing: z.string(),
  /** Their berth or seat; null while on the waitlist (and once it is given up). */
  seat: z.object({ coach: z.string(), number: z.number(), berth: z.string() }).nullable(),
});
export type PassengerStanding = z.infer<typeof passengerStandingSchema>;

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/**
 * Why money went back: the passenger cancelled, a charge landed on a booking already over, or
 * the booking was still waitlisted when its chart was prepared.
 */
export const REFUND_REASONS = ['cancellation', 'late_charge', 'charting'] as const;

export const refundViewSchema = z.object({
  status: z.enum(REFUND_STATUSES),
  amountPaise: z.number(),
  reason: z.enum(REFUND_REASONS),
});
export type RefundView = z.infer<typeof refundViewSchema>;

/** The payment that confirmed a booking, as the passenger quotes it to the bank or to us. */
export const paymentViewSchema = z.object({
  /** The gateway's reference for the charge. */
  reference: z.string(),
  /** When the payment went through, i.e. when the booking was booked (ISO). */
  paidAt: z.string(),
});
export type PaymentView = z.infer<typeof paymentViewSchema>;

/** A booking as its owner (or an admin) sees it. */
export const bookingViewSchema = z.object({
  id: z.number(),
  pnr: z.string(),
  runId: z.number(),
  trainNumber: z.string(),
  trainName: z.string(),
  serviceDate: z.string(),
  /** Boarding and alighting stations, with the names a ticket prints. */
  from: z.object({ seq: z.number(), code: z.string(), name: z.string(), departsAt: z.string() }),
  to: z.object({ seq: z.number(), code: z.string(), name: z.string(), arrivesAt: z.string() }),
  classCode: z.string(),
  status: z.enum(BOOKING_STATUSES),
  /** What it asked for: whole berths, RAC halves or waitlist places. */
  place: z.enum(PLACE_KINDS),
  /** Every traveller with where they stand, in the order they were named. */
  passengers: z.array(passengerStandingSchema),
  /** When an unpaid hold lapses (ISO). */
  expiresAt: z.string(),
  /** The server's clock when this view was made, so a client can correct its own. */
  serverNow: z.string(),
  farePaise: z.number(),
  seats: z.array(bookedSeatSchema),
  refund: refundViewSchema.nullable(),
  /** The succeeded payment; null until the booking is paid (a cancelled booking keeps it). */
  payment: paymentViewSchema.nullable(),
  /** When the hold was made (ISO). */
  createdAt: z.string(),
});
export type BookingView = z.infer<typeof bookingViewSchema>;
