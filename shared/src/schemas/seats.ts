import { z } from 'zod';
import { serialId, stationCode } from './common.ts';

/**
 * How a seat is taken on one stretch of the route: held (unpaid), booked (paid, a berth of its
 * own), rac (paid, half of a RAC berth).
 */
export const OCCUPANCY_STATES = ['held', 'booked', 'rac'] as const;
export type OccupancyState = (typeof OCCUPANCY_STATES)[number];

/** The halves of a RAC berth, as two RAC passengers share it. */
export const BERTH_HALVES = ['first', 'second'] as const;
export type BerthHalf = (typeof BERTH_HALVES)[number];

/** One taken stretch of a seat: stops `from` (inclusive) to `to` (exclusive), by route seq. */
export const occupancySpanSchema = z.object({
  from: z.number(),
  to: z.number(),
  state: z.enum(OCCUPANCY_STATES),
  /** The half of a RAC berth this stretch takes; absent when it takes the whole berth. */
  half: z.enum(BERTH_HALVES).optional(),
});
export type OccupancySpan = z.infer<typeof occupancySpanSchema>;

/** A seat's whole occupancy along the route at `version`; clients derive their segment's state. */
export const seatDeltaSchema = z.object({
  seatId: z.number(),
  version: z.number(),
  occupancy: z.array(occupancySpanSchema),
});
export type SeatDelta = z.infer<typeof seatDeltaSchema>;

/** The state of a seat as one viewer sees it for one segment. */
export const SEAT_STATES = ['free', 'held', 'booked', 'rac', 'yours'] as const;
export type SeatState = (typeof SEAT_STATES)[number];

/** `from`/`to` default to the run's first and last stop (a kiosk showing the whole run). */
export const seatMapRequestSchema = z
  .object({ runId: serialId, from: stationCode.optional(), to: stationCode.optional() })
  .strict();
export type SeatMapRequest = z.infer<typeof seatMapRequestSchema>;

export const seatMapSeatSchema = z.object({
  seatId: z.number(),
  coach: z.string(),
  number: z.number(),
  berth: z.string(),
  label: z.string(),
  classCode: z.string(),
  version: z.number(),
  state: z.enum(SEAT_STATES),
  /** A RAC berth: never held whole, its halves sold by `booking:request` once the rest are gone. */
  rac: z.boolean(),
  /**
   * A seat taken on part of this segment and free on the rest: its live spans that touch the
   * segment, shaped as a delta carries them, so a viewer can tell where it is still free. Absent
   * when they would say no more than `state` (free, or taken all along): every watcher of a run
   * takes the snapshot at once, so it carries nothing a viewer cannot use.
   */
  occupancy: z.array(occupancySpanSchema).optional(),
});
export type SeatMapSeat = z.infer<typeof seatMapSeatSchema>;

/** A stop of the segment: `at` is the departure from `from` and the arrival at `to` (ISO). */
const stopRef = z.object({ seq: z.number(), code: z.string(), name: z.string(), at: z.string() });
export type StopRef = z.infer<typeof stopRef>;

export const seatMapSchema = z.object({
  runId: z.number(),
  train: z.object({ number: z.string(), name: z.string(), serviceDate: z.string() }),
  from: stopRef,
  to: stopRef,
  /**
   * Every stop of the segment in route order, `from` and `to` included; `at` is when the train
   * leaves it (arrives, for `to`). Names the stretches a seat is free on, and dates a link to them.
   */
  stops: z.array(stopRef),
  seats: z.array(seatMapSeatSchema),
});
export type SeatMap = z.infer<typeof seatMapSchema>;
