import {
  fareFor,
  placeRequestSchema,
  type BookingView,
  type PlaceKind,
  type PlaceRequest,
} from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { users } from '../auth/users.repository.ts';
import { loadBookingView, publicView } from '../booking/booking-view.ts';
import { journeyOverlap, runClosed } from '../booking/hold-errors.ts';
import { insertParty, type PlaceOnSeat } from '../booking/party-insert.ts';
import { newPnr } from '../booking/pnr.ts';
import { bumpSeats } from '../booking/seat-changes.ts';
import { LIVE } from '../booking/seats.repository.ts';
import { openSegment } from '../booking/hold-prepare.ts';
import { arrivalAt } from '../catalog/route-cache.ts';
import { takesBookings } from '../catalog/runs.repository.ts';
import { raise } from '../events/domain-events.ts';
import {
  claimKey,
  completeKey,
  failure,
  requestHash,
  unwrap,
  type Outcome,
} from '../idempotency/idempotency.ts';
import { chartTime } from './chart-time.ts';
import { lockClassSeats } from './class-places.ts';
import { lockPromotion } from './promotion-lock.ts';
import { promote } from './promotion.ts';

/**
 * `booking:request`: a party asks for places in a class for a segment, without picking seats.
 * One transaction, in the lock order (the key, the user, the class's promotion lock, the
 * class's seats in id order). Whoever already waits is promoted first; then the party gets whole
 * berths if enough are free for the segment; else, in a berth class whose every other berth is
 * taken, RAC halves; else waitlist places, while the waitlist has room and its chart is not
 * prepared. A party is never split across kinds. The place is held (`held`, with its own
 * expiresAt) and paid with `booking:pay`, which makes it confirmed, rac or waitlisted.
 */
export async function requestPlaces(
  ctx: EngineContext,
  actor: Actor & { userId: number },
  input: unknown,
): Promise<BookingView> {
  const req = parse(placeRequestSchema, input);
  const { route, segment, boardingAt: departs } = await openSegment(ctx, req);
  const fare = (await ctx.catalog.classFares()).get(req.classCode);
  const classSeats = [...(await ctx.catalog.seatsOf(req.runId)).values()].filter(
    (s) => s.classCode === req.classCode,
  );
  if (!fare || classSeats.length === 0) {
    throw new DomainError('NOT_FOUND', `Train ${route.trainNumber} has no class ${req.classCode}.`);
  }
  const plan = {
    req,
    stops: { from: segment.from.seq, to: segment.to.seq },
    journey: [departs, arrivalAt(route, segment.to)] as const,
    farePaise: fareFor(fare, segment.to.km - segment.from.km, req.passengers.length),
    hash: requestHash('request', req),
    trainNumber: route.trainNumber,
  };

  const outcome = await ctx.tx(async (em): Promise<Outcome<{ id: number }>> => {
    const claim = await claimKey<{ id: number }>(
      em,
      actor.userId,
      req.idempotencyKey,
      'request',
      plan.hash,
    );
    if (claim.kind === 'replay') return claim.outcome;
    if (claim.kind === 'in_progress') {
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'This request is still being processed.');
    }
    const result = await placeParty(ctx, em, actor, plan).catch((err: unknown) => {
      if (err instanceof DomainError) return failure(err);
      throw err;
    });
    await completeKey(em, actor.userId, req.idempotencyKey, result);
    return result;
  });
  const { id: bookingId } = unwrap(outcome);
  return publicView((await loadBookingView(ctx.em(), ctx.catalog, bookingId))!);
}

interface Plan {
  req: PlaceRequest;
  stops: { from: number; to: number };
  journey: readonly [Date, Date];
  farePaise: number;
  trainNumber: string;
}

async function placeParty(
  ctx: EngineContext,
  em: Em,
  actor: Actor & { userId: number },
  plan: Plan,
): Promise<Outcome<{ id: number }>> {
  const { req, stops } = plan;
  if (!(await takesBookings(em, req.runId))) throw runClosed(plan.trainNumber);
  await users.lockForJourney(em, actor.userId);
  const clash = await users.journeyClash(em, actor.userId, plan.journey);
  if (clash) throw journeyOverlap(clash);

  await lockPromotion(em, req.runId, req.classCode);
  // Places freed where nobody promoted (the sweeper, a hold's lazy expiry) go to the parties
  // already waiting before this one is placed: nobody jumps the queue, not even by a request.
  await promote(em, req.runId, req.classCode);
  const places = await lockClassSeats(em, req.runId, req.classCode, { skipLocked: false });
  const n = req.passengers.length;
  let kind: PlaceKind = 'berth';
  let chosen: PlaceOnSeat[] | null = places.berths(
    stops,
    n,
    req.passengers.map((p) => p.berthPreference ?? 'NONE'),
  );
  if (!chosen && places.hasRacBerths() && places.freeBerthCount(stops) === 0) {
    chosen = places.racHalves(stops, n);
    kind = 'rac';
  }
  if (!chosen) {
    kind = 'waitlist';
    chosen = [];
    await assertWaitlistTakes(ctx, em, plan, n);
  }

  const pnr = newPnr();
  const [booking] = await query<{ id: string }>(
    em,
    `insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, place, journey,
                           expires_at, hold_until, fare_paise, idempotency_key)
     values (?, ?, ?, ?, ?, ?, 'held', ?, tstzrange(?, ?),
             now() + make_interval(secs => ?), now() + make_interval(secs => ?), ?, ?)
     returning id`,
    [
      pnr,
      actor.userId,
      req.runId,
      stops.from,
      stops.to,
      req.classCode,
      kind,
      plan.journey[0],
      plan.journey[1],
      ctx.config.HOLD_SECONDS,
      ctx.config.HOLD_SECONDS,
      plan.farePaise,
      req.idempotencyKey,
    ],
  );
  const bookingId = Number(booking!.id);
  const inserted = await insertParty(em, bookingId, req.passengers, chosen, stops);
  // Every seat is locked and re-read: a shortfall here is a broken invariant, not a race.
  if (inserted.length < chosen.length) throw new Error(`request ${bookingId} lost a locked seat`);
  await bumpSeats(em, [...new Set([...chosen.map((c) => c.seatId), ...places.freedSeatIds])]);
  raise(em, { type: 'booking.held', actor, booking: { id: bookingId, pnr, userId: actor.userId } });
  return { ok: true, data: { id: bookingId } };
}

/**
 * A waitlist place is sold only while the class's waitlist has room for the party and the chart
 * for this boarding is not prepared (after it, a waitlisted booking is only cancelled).
 */
async function assertWaitlistTakes(
  ctx: EngineContext,
  em: Em,
  plan: Plan,
  n: number,
): Promise<void> {
  const { req } = plan;
  const chartedAt = chartTime(plan.journey[0], ctx.config);
  if (Date.now() >= chartedAt.getTime()) {
    throw new DomainError(
      'WAITLIST_CLOSED',
      `Class ${req.classCode} of train ${plan.trainNumber} is full, and its chart for ${req.from} is prepared: no more waitlist places.`,
      { chartedAt: chartedAt.toISOString() },
    );
  }
  const waiting = await waitlistPassengers(em, req.runId, req.classCode);
  if (waiting + n > ctx.config.WAITLIST_LIMIT) {
    throw new DomainError(
      'WAITLIST_CLOSED',
      `Class ${req.classCode} of train ${plan.trainNumber} is full and its waitlist has no room for ${n} more (${ctx.config.WAITLIST_LIMIT} passengers at most).`,
      { waitlistLimit: ctx.config.WAITLIST_LIMIT },
    );
  }
}

/** Passengers on the waitlist of (run, class): paid, and unpaid places still inside their time. */
async function waitlistPassengers(em: Em, runId: number, classCode: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    em,
    `select count(*)::int as n from bookings b join booking_passengers p on p.booking_id = b.id
      where b.run_id = ? and b.class_code = ? and b.place = 'waitlist' and ${LIVE}`,
    [runId, classCode],
  );
  return row?.n ?? 0;
}
