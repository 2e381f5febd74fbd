import { z } from 'zod';
import { id, idempotencyKey, stationCode } from './common.ts';

export const BERTH_PREFERENCES = ['LB', 'MB', 'UB', 'SL', 'SU', 'WINDOW', 'AISLE', 'NONE'] as const;

export const passengerSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    age: z.number().int().min(0).max(125),
    berthPreference: z.enum(BERTH_PREFERENCES).optional(),
  })
  .strict();

export const MAX_SEATS_PER_BOOKING = 6;

/** Hold 1 to 6 seats of one run for the segment `from` -> `to`, one passenger per seat. */
export const holdRequestSchema = z
  .object({
    runId: id,
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

export interface BookedSeat {
  seatId: number;
  coach: string;
  number: number;
  berth: string;
  label: string;
  passengerName: string;
  passengerAge: number;
  berthPreference: string | null;
}

export interface RefundView {
  status: 'pending' | 'succeeded' | 'failed';
  amountPaise: number;
}

/** A booking as its owner (or an admin) sees it. */
export interface BookingView {
  id: number;
  pnr: string;
  runId: number;
  trainNumber: string;
  trainName: string;
  serviceDate: string;
  from: { seq: number; code: string; departsAt: string };
  to: { seq: number; code: string; arrivesAt: string };
  classCode: string;
  status: BookingStatus;
  /** When an unpaid hold lapses (ISO). */
  expiresAt: string;
  /** The server's clock when this view was made, so a client can correct its own. */
  serverNow: string;
  farePaise: number;
  seats: BookedSeat[];
  refund: RefundView | null;
  createdAt: string;
}
