import { fareFor, hasLeft, type HoldRequest } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { EngineContext } from '../../engine-context.ts';
import { arrivalAt, departureAt, type RunRoute, type SeatInfo } from '../catalog/route-cache.ts';
import { resolveSegment, type Segment } from '../catalog/segment.ts';
import { requestHash } from '../idempotency/idempotency.ts';
import { runClosed } from './hold-errors.ts';

/** Everything a hold needs that does not take a lock: read (mostly from memory) before the transaction. */
export interface PreparedHold {
  req: HoldRequest;
  route: RunRoute;
  segment: Segment;
  seats: SeatInfo[];
  classCode: string;
  farePaise: number;
  journey: [Date, Date];
  hash: string;
}

/**
 * Holds 1 to 6 seats for one segment, as docs/architecture.md's hold flow: claim the idempotency key, lock
 * the user, refuse an overlapping journey, lock the seats in id order, expire lapsed holds on
 * them, refuse any other overlap with SEAT_TAKEN, then insert, bump, audit and announce.
 */

/**
 * The run and segment a hold or a request is for, checked from the route cache: the run exists
 * and takes bookings (checked again in the transaction: this cache may be behind) and the train
 * has not left the boarding station.
 */
export async function openSegment(
  ctx: EngineContext,
  req: { runId: number; from: string; to: string },
): Promise<{ route: RunRoute; segment: Segment; boardingAt: Date }> {
  const route = await ctx.catalog.route(req.runId);
  if (!route) throw new DomainError('NOT_FOUND', 'That train run was not found.');
  if (route.status !== 'scheduled') throw runClosed(route.trainNumber);
  const segment = resolveSegment(route, req.from, req.to);
  const boardingAt = departureAt(route, segment.from);
  if (hasLeft(boardingAt, Date.now())) {
    throw new DomainError(
      'INVALID_STATE',
      `Train ${route.trainNumber} has already left ${req.from}.`,
    );
  }
  return { route, segment, boardingAt };
}

/** Checks the run, the segment and the seats, and prices the hold. */
export async function prepare(ctx: EngineContext, req: HoldRequest): Promise<PreparedHold> {
  const { route, segment, boardingAt } = await openSegment(ctx, req);
  const runSeats = await ctx.catalog.seatsOf(req.runId);
  const seats = req.seatIds.map((id) => {
    const seat = runSeats.get(id);
    if (!seat) throw new DomainError('NOT_FOUND', `Seat ${id} is not on this train.`);
    return seat;
  });
  const racBerths = seats.filter((s) => s.rac);
  if (racBerths.length > 0) {
    throw new DomainError(
      'INVALID_STATE',
      `${racBerths.map((s) => `${s.coach}-${s.number}`).join(', ')}: a RAC berth is shared by two RAC passengers and is never sold whole; ask for places with booking:request instead.`,
      { seatIds: racBerths.map((s) => s.seatId) },
    );
  }
  const classCode = seats[0]!.classCode;
  if (seats.some((s) => s.classCode !== classCode)) {
    throw new DomainError('VALIDATION', 'All seats of one booking must be in the same class.');
  }
  const fare = (await ctx.catalog.classFares()).get(classCode);
  if (!fare) throw new Error(`no fare for class ${classCode}`);
  return {
    req,
    route,
    segment,
    seats,
    classCode,
    farePaise: fareFor(fare, segment.to.km - segment.from.km, seats.length),
    journey: [boardingAt, arrivalAt(route, segment.to)],
    hash: requestHash('hold', req),
  };
}
