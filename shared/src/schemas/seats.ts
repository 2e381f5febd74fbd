import { z } from 'zod';
import { id, stationCode } from './common.ts';

/** How a seat is taken on one stretch of the route. */
export const OCCUPANCY_STATES = ['held', 'booked'] as const;
export type OccupancyState = (typeof OCCUPANCY_STATES)[number];

/** One taken stretch of a seat: stops `from` (inclusive) to `to` (exclusive), by route seq. */
export interface OccupancySpan {
  from: number;
  to: number;
  state: OccupancyState;
}

/** A seat's whole occupancy along the route at `version`; clients derive their segment's state. */
export interface SeatDelta {
  seatId: number;
  version: number;
  occupancy: OccupancySpan[];
}

/** The state of a seat as one viewer sees it for one segment. */
export const SEAT_STATES = ['free', 'held', 'booked', 'yours'] as const;
export type SeatState = (typeof SEAT_STATES)[number];

export const seatMapRequestSchema = z
  .object({ runId: id, from: stationCode, to: stationCode })
  .strict();
export type SeatMapRequest = z.infer<typeof seatMapRequestSchema>;

export interface SeatMapSeat {
  seatId: number;
  coach: string;
  number: number;
  berth: string;
  label: string;
  classCode: string;
  version: number;
  state: SeatState;
}

export interface SeatMap {
  runId: number;
  from: { seq: number; code: string };
  to: { seq: number; code: string };
  seats: SeatMapSeat[];
}
