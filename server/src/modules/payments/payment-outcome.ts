import type { Ack, BookingView } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { Actor } from '../audit/transition-writer.ts';
import { bookings } from '../booking/bookings.repository.ts';
import { bumpSeats } from '../booking/seat-changes.ts';
import { raise } from '../events/domain-events.ts';
import { completeKey } from '../idempotency/idempotency.ts';
import type { GatewayResult } from './gateway.ts';
import { payments } from './payments.repository.ts';

/** What a charge makes of a place: a berth is confirmed, a RAC half or waitlist place queues. */
const PAID_STATUS = { berth: 'confirmed', rac: 'rac', waitlist: 'waitlisted' } as const;

export type PaymentSettlement =
  | { kind: 'confirmed'; bookingId: number }
  | { kind: 'declined'; bookingId: number }
  /** Charged, but the booking had already lapsed: the charge is being refunded. */
  | { kind: 'refunding'; bookingId: number; refundId: number }
  | { kind: 'already_settled'; bookingId: number };

/**
 * The second transaction of a payment: records the gateway's answer. Used by pay right after the
 * call, and by the reconciler for payments a crash or a timeout left pending. Lock order: the
 * booking's seats, the booking, then the payment. The seats come first although only a
 * confirmation changes them: a hold that finds this booking lapsed locks the seats and then the
 * booking, and taking the booking first here would deadlock with it.
 */
export async function settlePayment(
  em: Em,
  actor: Actor,
  paymentId: number,
  result: GatewayResult,
): Promise<PaymentSettlement> {
  const [found] = await query<{ booking_id: string }>(
    em,
    `select booking_id from payments where id = ?`,
    [paymentId],
  );
  if (!found) throw new Error(`payment ${paymentId} vanished`);
  const booking = await bookings.lockWithSeats(em, Number(found.booking_id));
  const payment = await payments.lock(em, paymentId);
  if (!booking || !payment) throw new Error(`payment ${paymentId} lost its booking`);
  if (payment.status !== 'pending') return { kind: 'already_settled', bookingId: booking.id };

  const userId = Number(payment.user_id);
  const charged = result.status === 'succeeded';
  await query(
    em,
    `update payments set status = ?, gateway_ref = ?, failure_reason = ?, updated_at = now() where id = ?`,
    [charged ? 'succeeded' : 'failed', result.reference, charged ? null : result.status, paymentId],
  );

  if (charged && booking.status === 'paying') {
    const status = PAID_STATUS[booking.place];
    if (status === 'confirmed') {
      await bookings.setStatus(em, booking.id, 'confirmed');
    } else {
      // In the queue from now on: its ticket orders RAC and WL numbers by payment.
      await query(
        em,
        `update bookings set status = ?, queue_ticket = nextval('booking_queue_tickets'),
                updated_at = now() where id = ?`,
        [status, booking.id],
      );
    }
    // Held becomes booked (or RAC) on every map: a new version, pushed with the status.
    await bumpSeats(em, await bookings.activeSeats(em, booking.id));
    raise(em, { type: 'booking.confirmed', actor, booking, status });
    if (status !== 'confirmed') {
      // Joined at the back: the counts moved, nobody's number did.
      raise(em, {
        type: 'queue.changed',
        runId: booking.runId,
        classCode: booking.classCode,
        movedUp: [],
      });
    }
    await finishKey(em, userId, payment.idempotency_key, {
      ok: true,
      data: { bookingId: booking.id },
    });
    return { kind: 'confirmed', bookingId: booking.id };
  }

  if (charged) {
    // The money arrived after the hold was gone: give it back (the refund's second phase follows).
    const [refund] = await query<{ id: string }>(
      em,
      `insert into refunds (booking_id, payment_id, amount_paise, reason, status)
       values (?, ?, ?, 'late_charge', 'pending') returning id`,
      [booking.id, paymentId, payment.amount_paise],
    );
    raise(em, {
      type: 'refund.started',
      actor,
      booking,
      status: booking.status,
      reason: 'late_charge',
    });
    const err = new DomainError(
      'HOLD_EXPIRED',
      'Your hold ended before the payment arrived; it is being refunded.',
    );
    await finishKey(em, userId, payment.idempotency_key, { ok: false, error: err.toAck() });
    return { kind: 'refunding', bookingId: booking.id, refundId: Number(refund!.id) };
  }

  if (booking.status === 'paying') {
    // Back to held; if its time is already up the sweeper (or the next hold) expires it.
    await bookings.setStatus(em, booking.id, 'held', { resetHoldUntil: true });
    raise(em, { type: 'payment.declined', actor, booking });
  }
  const declined = new DomainError(
    'PAYMENT_DECLINED',
    'Your bank declined the payment. You can try again while the hold lasts.',
  );
  await finishKey(em, userId, payment.idempotency_key, { ok: false, error: declined.toAck() });
  return { kind: 'declined', bookingId: booking.id };
}

/** Completes the pay request's idempotency key with its final outcome. */
async function finishKey(
  em: Em,
  userId: number,
  key: string,
  outcome: Ack<{ bookingId: number } | BookingView>,
) {
  await completeKey(em, userId, key, outcome);
}
