import { query } from '../common/sql.ts';
import type { Check } from './report.ts';

/*
 * Invariant 3, money: one charge kept per booking, one refund per payment, and Berth's records
 * agree with the gateway's own ledger (gateway_charges, keyed 'charge-<paymentId>' and
 * 'refund-<refundId>').
 */

export const oneSucceededPaymentPerBooking: Check = {
  name: 'multiple-succeeded-payments',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{ booking_id: string; ids: string[] }>(
      em,
      `select booking_id, array_agg(id order by id)::text[] as ids
         from payments where status = 'succeeded'
        group by booking_id having count(*) > 1
        order by booking_id`,
    );
    return rows.map(
      (r) => `booking ${r.booking_id} has ${r.ids.length} succeeded payments: ${r.ids.join(', ')}`,
    );
  },
};

export const oneRefundPerPayment: Check = {
  name: 'multiple-refunds',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{ payment_id: string; ids: string[] }>(
      em,
      `select payment_id, array_agg(id order by id)::text[] as ids
         from refunds group by payment_id having count(*) > 1
        order by payment_id`,
    );
    return rows.map(
      (r) => `payment ${r.payment_id} has ${r.ids.length} refunds: ${r.ids.join(', ')}`,
    );
  },
};

/** Together with multiple-succeeded-payments: a confirmed booking has exactly one. */
export const confirmedBookingIsPaid: Check = {
  name: 'confirmed-without-payment',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{ id: string }>(
      em,
      `select b.id from bookings b
        where b.status in ('confirmed', 'rac', 'waitlisted')
          and not exists (select 1 from payments p where p.booking_id = b.id and p.status = 'succeeded')
        order by b.id`,
    );
    return rows.map((r) => `booking ${r.id} is paid for without a succeeded payment`);
  },
};

export const succeededPaymentWasCharged: Check = {
  name: 'payment-without-charge',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{ id: string; booking_id: string; gateway_status: string | null }>(
      em,
      `select p.id, p.booking_id, g.status as gateway_status
         from payments p
         left join gateway_charges g on g.idempotency_key = 'charge-' || p.id and g.kind = 'charge'
        where p.status = 'succeeded' and g.status is distinct from 'succeeded'
        order by p.id`,
    );
    return rows.map(
      (r) =>
        `payment ${r.id} (booking ${r.booking_id}) is succeeded but the gateway's charge-${r.id} is ` +
        (r.gateway_status ?? 'missing'),
    );
  },
};

/**
 * Money the gateway took is kept only by the payment that confirmed its booking, or while that
 * payment is still in flight (pending, booking paying). Any other succeeded charge (a late charge
 * on an expired hold, a cancelled booking, a second charge) must have a refund, whatever its
 * state: a pending one is the reconciler's to finish.
 */
export const keptChargeIsRefunded: Check = {
  name: 'charge-not-refunded',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{
      key: string;
      payment_id: string;
      payment_status: string;
      booking_id: string;
      booking_status: string;
    }>(
      em,
      `select g.idempotency_key as key, p.id as payment_id, p.status as payment_status,
              b.id as booking_id, b.status as booking_status
         from gateway_charges g
         join payments p on 'charge-' || p.id = g.idempotency_key
         join bookings b on b.id = p.booking_id
        where g.kind = 'charge' and g.status = 'succeeded'
          and not (p.status = 'succeeded' and b.status in ('confirmed', 'rac', 'waitlisted'))
          and not (p.status = 'pending' and b.status = 'paying')
          and not exists (select 1 from refunds r where r.payment_id = p.id)
        order by p.id`,
    );
    return rows.map(
      (r) =>
        `gateway charge ${r.key} succeeded for payment ${r.payment_id} (${r.payment_status}) of booking ` +
        `${r.booking_id} (${r.booking_status}) but no refund exists`,
    );
  },
};

export const paymentChecks: Check[] = [
  oneSucceededPaymentPerBooking,
  oneRefundPerPayment,
  confirmedBookingIsPaid,
  succeededPaymentWasCharged,
  keptChargeIsRefunded,
];
