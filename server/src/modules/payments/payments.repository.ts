import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

/** Payment and refund rows: locked last, after the booking they belong to. */
export const payments = {
  /** Locks one payment for its settlement; undefined if there is none. */
  async lock(em: Em, paymentId: number) {
    const [row] = await query<{
      status: string;
      amount_paise: number;
      user_id: string;
      idempotency_key: string;
    }>(
      em,
      `select status, amount_paise, user_id, idempotency_key from payments where id = ? for update`,
      [paymentId],
    );
    return row;
  },

  /** Locks the payment that paid for a booking (the first one that succeeded). */
  async lockSucceededOf(em: Em, bookingId: number) {
    const [row] = await query<{ id: string; amount_paise: number }>(
      em,
      `select id, amount_paise from payments where booking_id = ? and status = 'succeeded' order by id limit 1 for update`,
      [bookingId],
    );
    return row;
  },
};

export const refunds = {
  /** Locks one refund for its second phase, with its booking's owner and PNR for the push. */
  async lock(em: Em, refundId: number) {
    const [row] = await query<{ booking_id: string; user_id: string; pnr: string; status: string }>(
      em,
      `select r.booking_id, b.user_id, b.pnr, r.status from refunds r join bookings b on b.id = r.booking_id
        where r.id = ? for update of r`,
      [refundId],
    );
    return row;
  },
};
