import { setTimeout as sleep } from 'node:timers/promises';
import { payRequestSchema, type BookingView } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { parse } from '../../common/validate.ts';
import { query } from '../../common/sql.ts';
import { SimulatedCrash, type EngineContext } from '../../engine-context.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { raise } from '../events/domain-events.ts';
import { assertOwner, bookings } from '../booking/bookings.repository.ts';
import { loadBookingView, publicView } from '../booking/booking-view.ts';
import {
  claimKey,
  completeKey,
  failure,
  requestHash,
  type Outcome,
} from '../idempotency/idempotency.ts';
import { GatewayTimeout } from './gateway.ts';
import { settlePayment } from './payment-outcome.ts';
import { completeRefund } from './refund-completion.ts';

type PayOutcome = Outcome<{ bookingId: number }>;

/**
 * Pays for a hold in two short transactions around the gateway call, with no transaction or row
 * lock open while the gateway works (invariant 5). The result of a key is the booking as it is
 * when the answer is read.
 */
export async function payBooking(
  ctx: EngineContext,
  actor: Actor & { userId: number },
  input: unknown,
) {
  const req = parse(payRequestSchema, input);
  const hash = requestHash('pay', req);
  // Read before the transaction: the gateway reads on a connection of its own, and asking the
  // pool for one while the transaction holds another stalls a node once every connection is
  // held by a pay waiting for a second (the load test's rush found it).
  const settings = await ctx.gateway.settings();

  const started = await ctx.tx(async (em) => {
    const claim = await claimKey<{ bookingId: number }>(
      em,
      actor.userId,
      req.idempotencyKey,
      'pay',
      hash,
    );
    if (claim.kind !== 'new') return claim;
    const booking = await bookings.lock(em, req.bookingId);
    try {
      assertPayable(assertOwner(booking, actor), booking!.withinExpiry);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const outcome: PayOutcome = failure(err);
      await completeKey(em, actor.userId, req.idempotencyKey, outcome);
      return { kind: 'replay' as const, outcome };
    }
    const [payment] = await query<{ id: string }>(
      em,
      `insert into payments (booking_id, user_id, idempotency_key, amount_paise, status)
       values (?, ?, ?, ?, 'pending') returning id`,
      [booking!.id, actor.userId, req.idempotencyKey, booking!.farePaise],
    );
    // While paying, the seats are kept until the hold's end plus the gateway's timeout.
    await query(
      em,
      `update bookings set status = 'paying', updated_at = now(),
              hold_until = expires_at + make_interval(secs => ?)
        where id = ?`,
      [settings.timeoutMs / 1000, booking!.id],
    );
    raise(em, { type: 'booking.paying', actor, booking: booking! });
    return {
      kind: 'new' as const,
      paymentId: Number(payment!.id),
      amountPaise: booking!.farePaise,
    };
  });

  if (started.kind === 'replay') return viewFor(ctx, started.outcome);
  if (started.kind === 'in_progress') {
    return viewFor(ctx, await awaitOutcome(ctx, actor.userId, req.idempotencyKey));
  }

  let result;
  try {
    result = await ctx.gateway.charge(`charge-${started.paymentId}`, started.amountPaise);
  } catch (err) {
    if (err instanceof GatewayTimeout) {
      throw new DomainError(
        'PAYMENT_PENDING',
        'The bank has not answered yet. Your booking will update as soon as it does.',
      );
    }
    throw err;
  }
  if (ctx.hooks.crashAfterCharge) throw new SimulatedCrash('after the charge');

  const settled = await ctx.tx((em) => settlePayment(em, actor, started.paymentId, result));
  if (settled.kind === 'refunding') await completeRefund(ctx, settled.refundId);
  const outcome = await storedOutcome(ctx, actor.userId, req.idempotencyKey);
  return viewFor(ctx, outcome ?? { ok: true, data: { bookingId: settled.bookingId } });
}

function assertPayable(booking: { status: string }, withinExpiry: boolean) {
  switch (booking.status) {
    case 'held':
      if (withinExpiry) return;
      throw new DomainError(
        'HOLD_EXPIRED',
        'This hold has expired; the seats are no longer kept for you.',
      );
    case 'paying':
      throw new DomainError(
        'PAYMENT_PENDING',
        'A payment for this booking is already in progress.',
      );
    case 'confirmed':
      throw new DomainError('INVALID_STATE', 'This booking is already paid.');
    case 'expired':
      throw new DomainError(
        'HOLD_EXPIRED',
        'This hold has expired; the seats are no longer kept for you.',
      );
    default:
      throw new DomainError(
        'INVALID_STATE',
        `This booking is ${booking.status} and cannot be paid.`,
      );
  }
}

async function storedOutcome(ctx: EngineContext, userId: number, key: string) {
  const [row] = await query<{ response: PayOutcome | null }>(
    ctx.em(),
    `select response from idempotency_keys where user_id = ? and key = ? and status = 'completed'`,
    [userId, key],
  );
  return row?.response ?? undefined;
}

/** A twin request with the same key is mid-payment: wait for its answer rather than pay twice. */
async function awaitOutcome(ctx: EngineContext, userId: number, key: string): Promise<PayOutcome> {
  const { latencyMs, timeoutMs } = await ctx.gateway.settings();
  const deadline = Date.now() + latencyMs + timeoutMs + 1000;
  while (Date.now() < deadline) {
    const outcome = await storedOutcome(ctx, userId, key);
    if (outcome) return outcome;
    await sleep(50);
  }
  throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'This payment is still being processed.');
}

async function viewFor(ctx: EngineContext, outcome: PayOutcome): Promise<BookingView> {
  if (!outcome.ok) throw DomainError.fromAck(outcome.error);
  const view = await loadBookingView(ctx.em(), ctx.catalog, outcome.data.bookingId);
  return publicView(view!);
}
