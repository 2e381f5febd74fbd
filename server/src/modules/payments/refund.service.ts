import { cancelRequestSchema, type BookingStatus, type BookingView } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import { SimulatedCrash, type EngineContext } from '../../engine-context.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { assertOwner, bookings, type LockedBooking } from '../booking/bookings.repository.ts';
import { loadBookingView, publicView } from '../booking/booking-view.ts';
import { releaseLocked } from '../booking/booking-transitions.ts';
import { bumpSeats } from '../booking/seat-changes.ts';
import { raise } from '../events/domain-events.ts';
import { departureAt } from '../catalog/route-cache.ts';
import {
  claimKey,
  completeKey,
  failure,
  requestHash,
  unwrap,
  type Outcome,
} from '../idempotency/idempotency.ts';
import { announceQueueMoved } from '../waitlist/queue-numbers.ts';
import { payments } from './payments.repository.ts';
import { completeRefund } from './refund-completion.ts';

type CancelOutcome = Outcome<{ bookingId: number; refundId: number | null }>;

/**
 * Cancels a booking: a hold is released; a paid booking is cancelled and refunded in two phases
 * (seats freed and refund recorded in one transaction, then the gateway, then the result).
 * Cancelling twice refunds once: the key replays, and a cancelled booking stays as it is.
 */
export async function cancelBooking(
  ctx: EngineContext,
  actor: Actor & { userId: number },
  input: unknown,
): Promise<BookingView> {
  const req = parse(cancelRequestSchema, input);
  const hash = requestHash('cancel', req);
  const outcome = await ctx.tx(async (em): Promise<CancelOutcome> => {
    const claim = await claimKey<{ bookingId: number; refundId: number | null }>(
      em,
      actor.userId,
      req.idempotencyKey,
      'cancel',
      hash,
    );
    if (claim.kind === 'replay') return claim.outcome;
    if (claim.kind === 'in_progress')
      throw new DomainError(
        'IDEMPOTENCY_IN_PROGRESS',
        'This cancellation is still being processed.',
      );
    let result: CancelOutcome;
    try {
      const booking = assertOwner(await bookings.lockWithSeats(em, req.bookingId), actor);
      result = {
        ok: true,
        data: { bookingId: booking.id, refundId: await cancelLocked(ctx, em, actor, booking) },
      };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      result = failure(err);
    }
    await completeKey(em, actor.userId, req.idempotencyKey, result);
    return result;
  });
  const { bookingId, refundId } = unwrap(outcome);
  if (refundId !== null) {
    if (ctx.hooks.crashBeforeRefundCall) throw new SimulatedCrash('before the refund call');
    await completeRefund(ctx, refundId);
  }
  return publicView((await loadBookingView(ctx.em(), ctx.catalog, bookingId))!);
}

/** Paid bookings: on a berth, sharing a RAC berth, or on the waitlist. */
const REFUNDABLE: readonly BookingStatus[] = ['confirmed', 'rac', 'waitlisted'];

/** Returns the id of the refund to complete, or null when no money moves. */
async function cancelLocked(
  ctx: EngineContext,
  em: Em,
  actor: Actor,
  booking: LockedBooking,
): Promise<number | null> {
  if (booking.status === 'held') {
    await releaseLocked(em, actor, booking);
    return null;
  }
  if (booking.status === 'cancelled' || booking.status === 'released') return null;
  if (!REFUNDABLE.includes(booking.status)) {
    const reason =
      booking.status === 'paying'
        ? 'A payment for this booking is in progress.'
        : 'This booking has already ended.';
    throw new DomainError('INVALID_STATE', reason);
  }
  await assertRefundWindow(ctx, booking);
  return cancelPaid(em, actor, booking, {
    reason: 'cancellation',
    percent: ctx.config.REFUND_PERCENT,
  });
}

/**
 * Cancels a paid booking (locked with its seats, and its class's promotion lock if people
 * wait): frees its seats, records a pending refund of `percent` of what was paid, and tells the
 * queue behind it. Returns the refund's id, which the caller completes after the commit.
 */
export async function cancelPaid(
  em: Em,
  actor: Actor,
  booking: LockedBooking,
  refund: { reason: 'cancellation' | 'charting'; percent: number },
): Promise<number> {
  const payment = await payments.lockSucceededOf(em, booking.id);
  if (!payment) throw new Error(`paid booking ${booking.id} has no payment`);
  await bookings.setStatus(em, booking.id, 'cancelled');
  await bumpSeats(em, await bookings.freeSeats(em, [booking.id]));
  const amount = Math.floor((payment.amount_paise * refund.percent) / 100);
  const [row] = await query<{ id: string }>(
    em,
    `insert into refunds (booking_id, payment_id, amount_paise, reason, status)
     values (?, ?, ?, ?, 'pending') returning id`,
    [booking.id, payment.id, amount, refund.reason],
  );
  raise(em, {
    type: 'booking.cancelled',
    actor,
    booking,
    was: booking.status,
    reason: refund.reason,
  });
  if (booking.status !== 'confirmed') {
    await announceQueueMoved(em, booking.runId, booking.classCode);
  }
  return Number(row!.id);
}

/** Default rule: a full refund until CANCEL_CUTOFF_MINUTES before the boarding station's departure. */
async function assertRefundWindow(ctx: EngineContext, booking: LockedBooking) {
  const route = await ctx.catalog.route(booking.runId);
  const boarding = route?.stops.find((s) => s.seq === booking.fromSeq);
  if (!route || !boarding) throw new Error(`run ${booking.runId} lost its route`);
  const closesAt =
    departureAt(route, boarding).getTime() - ctx.config.CANCEL_CUTOFF_MINUTES * 60_000;
  if (Date.now() >= closesAt) {
    throw new DomainError(
      'CANCELLATION_CLOSED',
      `Cancellations close ${ctx.config.CANCEL_CUTOFF_MINUTES} minutes before departure from ${boarding.code}.`,
    );
  }
}
