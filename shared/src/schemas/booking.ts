import { z } from 'zod';
import { id, idempotencyKey, serialId, stationCode, text } from './common.ts';

export const BERTH_PREFERENCES = ['LB', 'MB', 'UB', 'SL', 'SU', 'WINDOW', 'AISLE', 'NONE'] as const;

export const passengerSchema = z
  .object({
    name: text({ min: 1, max: 60 }),
    age: z.number().int().min(0).max(125),
    berthPreference: z.enum(BERTH_PREFERENCES).optional(),
  })
  .strict();

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
  'expired',
  'released',
  'cancelled',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

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

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const refundViewSchema = z.object({
  status: z.enum(REFUND_STATUSES),
  amountPaise: z.number(),
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
