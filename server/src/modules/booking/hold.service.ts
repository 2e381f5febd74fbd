import { holdRequestSchema, type BookingView } from '@berth/shared';
import {
  DomainError,
  EXCLUSION_VIOLATION,
  UNIQUE_VIOLATION,
  sqlState,
} from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { raise } from '../events/domain-events.ts';
import {
  claimKey,
  completeKey,
  failure,
  readClaim,
  unwrap,
  type Outcome,
} from '../idempotency/idempotency.ts';
import { users } from '../auth/users.repository.ts';
import { takesBookings } from '../catalog/runs.repository.ts';
import { expireLapsed } from './lapse.ts';
import { seats } from './seats.repository.ts';
import { queueOnSegment } from '../waitlist/queue-numbers.ts';
import { newPnr } from './pnr.ts';
import { announceBumped, bumpSeats } from './seat-changes.ts';
import { holdInOneStatement } from './hold-function.ts';
import { prepare, type PreparedHold } from './hold-prepare.ts';
import { heldView } from './held-view.ts';
import { insertParty } from './party-insert.ts';
import {
  isPnrCollision,
  journeyOverlap,
  runClosed,
  seatIdsFromExclusion,
  seatTaken,
  waitlistOpen,
} from './hold-errors.ts';

/**
 * Filled in by a hold for whoever wants to see inside it (the race demo). Only a probed hold pays
 * for the two extra statements that read PostgreSQL's clock.
 */
export interface HoldProbe {
  /** Time spent in `SELECT ... FOR UPDATE` on the seat rows, waiting for other holds. */
  lockWaitMs?: number;
  /** PostgreSQL's clock right after `FOR UPDATE` returned (ISO, microseconds). */
  lockedAt?: string;
  /** PostgreSQL's clock as the transaction was about to end, letting the lock go. */
  unlockedAt?: string;
}

/** PostgreSQL's own clock (not the transaction's start), as ISO text with microseconds. */
async function databaseClock(em: Em): Promise<string> {
  const [row] = await query<{ t: string }>(
    em,
    `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t`,
  );
  return row!.t;
}

/**
 * The seats are taken: by a live hold or sale the locks found, or one the exclusion constraint
 * turned away (ON CONFLICT DO NOTHING inserted fewer rows). Thrown, so the transaction rolls back
 * and lets the seats' locks go at once; the refusal is then stored in a short transaction of its
 * own. A loser that stored its answer under the seat lock would hold the seat through its own
 * commit (a WAL flush), and the losers of a rush would pass through the seat one commit at a
 * time.
 */
class SeatsRefused extends Error {
  constructor(readonly seatIds: number[]) {
    super('seats taken');
  }
}

/**
 * The hold function found what only the statement-by-statement path handles (lapsed holds on the
 * seats, or a key another attempt claimed but did not finish): roll back and take that path.
 */
class UseStepwise extends Error {
  constructor() {
    super('hold needs the stepwise path');
  }
}

/** A lapsed hold on our seats also holds seats we have not locked: lock them too and start over. */
class NeedMoreSeats extends Error {
  constructor(readonly seatIds: number[]) {
    super('lapsed hold spans unlocked seats');
  }
}

export async function holdSeats(
  ctx: EngineContext,
  actor: Actor & { userId: number },
  input: unknown,
  probe?: HoldProbe,
) {
  const prepared = await prepare(ctx, parse(holdRequestSchema, input));
  let extraSeats: number[] = [];
  let stepwise = ctx.hooks.stepwiseHolds ?? false;
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await ctx.tx(async (em) => {
        try {
          const result = stepwise
            ? await holdTx(ctx, em, actor, prepared, extraSeats, probe)
            : await holdInOneTrip(ctx, em, actor, prepared, probe);
          if (probe?.lockedAt && !probe.unlockedAt) probe.unlockedAt = await databaseClock(em);
          return result;
        } catch (err) {
          // A refusal that still holds the seat locks lets them go as it rolls back: that is
          // when it stopped holding them.
          if (err instanceof SeatsRefused && probe?.lockedAt && !probe.unlockedAt)
            probe.unlockedAt = await databaseClock(em);
          throw err;
        }
      });
      return unwrap(outcome);
    } catch (err) {
      if (err instanceof UseStepwise && !stepwise) {
        stepwise = true;
        continue;
      }
      if (err instanceof NeedMoreSeats && attempt < 3) {
        extraSeats = err.seatIds;
        continue;
      }
      if (sqlState(err) === UNIQUE_VIOLATION && isPnrCollision(err) && attempt < 3) continue;
      if (err instanceof SeatsRefused || sqlState(err) === EXCLUSION_VIOLATION) {
        // Rolled back, with its locks and any booking row; now the refusal is stored. An
        // exclusion violation is an overlap the locks did not catch: the same answer.
        const seatIds =
          err instanceof SeatsRefused
            ? err.seatIds
            : seatIdsFromExclusion(err, prepared.req.seatIds);
        await ctx.hooks.beforeRefusalStored?.(seatIds);
        return unwrap(await recordFailure(ctx, actor.userId, prepared, seatTaken(seatIds)));
      }
      throw err;
    }
  }
}

/**
 * The hold's body in one round trip (hold-function.ts), then its events: what a hold is on the
 * hot path. What the function leaves to the statement-by-statement path throws UseStepwise.
 */
async function holdInOneTrip(
  ctx: EngineContext,
  em: Em,
  actor: Actor & { userId: number },
  p: PreparedHold,
  probe?: HoldProbe,
): Promise<Outcome<BookingView>> {
  const { req } = p;
  const pnr = newPnr();
  const lockSeats = !ctx.hooks.skipSeatLock;
  const r = await holdInOneStatement(em, actor.userId, p, pnr, ctx.config.HOLD_SECONDS, lockSeats);
  switch (r.kind) {
    case 'claimed': {
      const claim = await readClaim<BookingView>(
        em,
        actor.userId,
        req.idempotencyKey,
        'hold',
        p.hash,
      );
      if (claim.kind === 'replay') return claim.outcome;
      throw new UseStepwise();
    }
    case 'closed':
      return settle(em, actor.userId, req.idempotencyKey, failure(runClosed(p.route.trainNumber)));
    case 'overlap':
      return settle(em, actor.userId, req.idempotencyKey, failure(journeyOverlap(r.pnr)));
    case 'queued':
      return settle(em, actor.userId, req.idempotencyKey, failure(waitlistOpen(p.classCode)));
    case 'lapsed':
      throw new UseStepwise();
    case 'taken':
      if (probe) {
        probe.lockedAt = r.lockedAt;
        if (r.unlockedAt) probe.unlockedAt = r.unlockedAt;
      }
      await ctx.hooks.onSeatsTaken?.(r.seatIds.map(Number));
      // The function gave the seat locks back already (its subtransaction): the refusal is
      // stored under the key right here, in this transaction, which holds nothing anyone else
      // waits for. Without `unlockedAt` (the exclusion constraint turned the seats away) the
      // locks are still held: roll back first, then store it (below, in holdSeats).
      if (r.unlockedAt)
        return settle(
          em,
          actor.userId,
          req.idempotencyKey,
          failure(seatTaken(r.seatIds.map(Number))),
        );
      throw new SeatsRefused(r.seatIds.map(Number));
    case 'held': {
      if (probe) {
        probe.lockedAt = r.lockedAt;
        probe.lockWaitMs = r.lockWaitMs;
      }
      announceBumped(em, r.bumped);
      const view = heldView(p, Number(r.id), pnr, new Date(r.expiresAt), new Date(r.createdAt));
      raise(em, {
        type: 'booking.held',
        actor,
        booking: { id: view.id, pnr: view.pnr, userId: actor.userId },
      });
      return settle(em, actor.userId, req.idempotencyKey, { ok: true, data: view });
    }
  }
}

async function holdTx(
  ctx: EngineContext,
  em: Em,
  actor: Actor & { userId: number },
  p: PreparedHold,
  extraSeats: number[],
  probe?: HoldProbe,
): Promise<Outcome<BookingView>> {
  const { req, segment } = p;
  const claim = await claimKey<BookingView>(em, actor.userId, req.idempotencyKey, 'hold', p.hash);
  if (claim.kind === 'replay') return claim.outcome;
  if (!(await takesBookings(em, req.runId))) {
    return settle(em, actor.userId, req.idempotencyKey, failure(runClosed(p.route.trainNumber)));
  }

  const stops = { from: segment.from.seq, to: segment.to.seq };
  if (await queueOnSegment(em, req.runId, p.classCode, stops)) {
    return settle(em, actor.userId, req.idempotencyKey, failure(waitlistOpen(p.classCode)));
  }

  await users.lockForJourney(em, actor.userId);
  const clash = await users.journeyClash(em, actor.userId, p.journey);
  if (clash) return settle(em, actor.userId, req.idempotencyKey, failure(journeyOverlap(clash)));

  const lockIds = [...new Set([...req.seatIds, ...extraSeats])].sort((a, b) => a - b);
  const lockStart = performance.now();
  if (!ctx.hooks.skipSeatLock) await seats.lock(em, lockIds);
  if (probe) {
    probe.lockWaitMs = performance.now() - lockStart;
    probe.lockedAt = await databaseClock(em);
  }
  const overlaps = await seats.overlapping(em, req.seatIds, segment.from.seq, segment.to.seq);
  const blocking = overlaps.filter((o) => !o.lapsed).map((o) => Number(o.seat_id));
  if (blocking.length > 0) throw new SeatsRefused(blocking);

  const freedSeatIds = await expireBlockingLapsed(ctx, em, overlaps, lockIds);
  const view = await insertHold(ctx, em, actor.userId, p);
  await bumpSeats(em, [...new Set([...req.seatIds, ...freedSeatIds])]);
  raise(em, {
    type: 'booking.held',
    actor,
    booking: { id: view.id, pnr: view.pnr, userId: actor.userId },
  });
  return settle(em, actor.userId, req.idempotencyKey, { ok: true, data: view });
}

/** Lapsed holds on our seats are expired right here, before the sweeper gets to them. */
async function expireBlockingLapsed(
  ctx: EngineContext,
  em: Em,
  overlaps: { booking_id: string; lapsed: boolean }[],
  lockIds: number[],
): Promise<number[]> {
  const lapsedIds = [...new Set(overlaps.filter((o) => o.lapsed).map((o) => Number(o.booking_id)))];
  if (lapsedIds.length === 0) return [];
  if (!ctx.hooks.skipSeatLock) {
    const theirSeats = await query<{ seat_id: string }>(
      em,
      `select seat_id from booking_seats where booking_id = any(?) and active`,
      [lapsedIds],
    );
    const unlocked = theirSeats.map((r) => Number(r.seat_id)).filter((id) => !lockIds.includes(id));
    if (unlocked.length > 0) throw new NeedMoreSeats([...lockIds, ...unlocked]);
  }
  const { freedSeatIds } = await expireLapsed(em, lapsedIds, { skipLocked: false });
  return freedSeatIds;
}

async function insertHold(
  ctx: EngineContext,
  em: Em,
  userId: number,
  p: PreparedHold,
): Promise<BookingView> {
  const { req, segment } = p;
  const pnr = newPnr();
  const [booking] = await query<{ id: string; expires_at: Date; created_at: Date }>(
    em,
    `insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, journey,
                           expires_at, hold_until, fare_paise, idempotency_key)
     values (?, ?, ?, ?, ?, ?, 'held', tstzrange(?, ?),
             now() + make_interval(secs => ?), now() + make_interval(secs => ?), ?, ?)
     returning id, expires_at, created_at`,
    [
      pnr,
      userId,
      req.runId,
      segment.from.seq,
      segment.to.seq,
      p.classCode,
      p.journey[0],
      p.journey[1],
      ctx.config.HOLD_SECONDS,
      ctx.config.HOLD_SECONDS,
      p.farePaise,
      req.idempotencyKey,
    ],
  );
  const bookingId = Number(booking!.id);
  const places = req.seatIds.map((seatId) => ({ seatId, part: '[0,2)' as const }));
  const inserted = await insertParty(em, bookingId, req.passengers, places, {
    from: segment.from.seq,
    to: segment.to.seq,
  });
  if (inserted.length < req.seatIds.length) {
    const got = new Set(inserted);
    throw new SeatsRefused(req.seatIds.filter((id) => !got.has(id)));
  }
  return heldView(p, bookingId, pnr, new Date(booking!.expires_at), new Date(booking!.created_at));
}

async function settle<T>(em: Em, userId: number, key: string, outcome: Outcome<T>) {
  await completeKey(em, userId, key, outcome);
  return outcome;
}

/** After the transaction was rolled back: store the refusal under the key, unless a twin beat us. */
async function recordFailure(
  ctx: EngineContext,
  userId: number,
  p: PreparedHold,
  err: DomainError,
): Promise<Outcome<BookingView>> {
  return ctx.tx(async (em) => {
    const claim = await claimKey<BookingView>(em, userId, p.req.idempotencyKey, 'hold', p.hash);
    if (claim.kind === 'replay') return claim.outcome;
    return settle(em, userId, p.req.idempotencyKey, failure(err));
  });
}
