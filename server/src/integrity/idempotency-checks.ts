import { query } from '../common/sql.ts';
import type { Check } from './report.ts';

/*
 * Invariant 3, keys: one outcome per (user, key). The unique constraints say so too; these
 * checks say it again without them, in case a broken database lost them.
 */

export const duplicateBookingKeys: Check = {
  name: 'duplicate-booking-key',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{ user_id: string; key: string; ids: string[] }>(
      em,
      `select user_id, idempotency_key as key, array_agg(id order by id)::text[] as ids
         from bookings group by user_id, idempotency_key having count(*) > 1
        order by user_id, idempotency_key`,
    );
    return rows.map(
      (r) => `user ${r.user_id} key ${JSON.stringify(r.key)} made bookings ${r.ids.join(', ')}`,
    );
  },
};

export const duplicatePaymentKeys: Check = {
  name: 'duplicate-payment-key',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{ user_id: string; key: string; ids: string[] }>(
      em,
      `select user_id, idempotency_key as key, array_agg(id order by id)::text[] as ids
         from payments group by user_id, idempotency_key having count(*) > 1
        order by user_id, idempotency_key`,
    );
    return rows.map(
      (r) => `user ${r.user_id} key ${JSON.stringify(r.key)} made payments ${r.ids.join(', ')}`,
    );
  },
};

/** The operations whose key makes a booking: a hold (seats picked) or a request (places). */
const BOOKING_OPERATIONS = `('hold', 'request')`;

/**
 * A completed hold key that answered ok names the booking it made: that booking must exist,
 * belong to the key's user and carry the key.
 */
export const holdKeyNamesItsBooking: Check = {
  name: 'hold-key-booking-mismatch',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{
      user_id: string;
      key: string;
      named: string | null;
      booking_id: string | null;
      booking_user: string | null;
      booking_key: string | null;
    }>(
      em,
      `select k.user_id, k.key, k.response -> 'data' ->> 'id' as named,
              b.id as booking_id, b.user_id as booking_user, b.idempotency_key as booking_key
         from idempotency_keys k
         left join bookings b
           on jsonb_typeof(k.response -> 'data' -> 'id') = 'number'
          and b.id = (k.response -> 'data' ->> 'id')::numeric
        where k.operation in ${BOOKING_OPERATIONS} and k.status = 'completed' and k.response -> 'ok' = 'true'::jsonb
          and (b.id is null or b.user_id <> k.user_id or b.idempotency_key <> k.key)
        order by k.user_id, k.key`,
    );
    return rows.map((r) => {
      const key = `hold key ${JSON.stringify(r.key)} of user ${r.user_id}`;
      if (r.named === null) return `${key} answered ok without a booking id`;
      if (r.booking_id === null) return `${key} names booking ${r.named}, which does not exist`;
      return (
        `${key} names booking ${r.booking_id}, which belongs to user ${r.booking_user} ` +
        `with key ${JSON.stringify(r.booking_key)}`
      );
    });
  },
};

/**
 * Every booking was made under a hold key, in the transaction that completed it: the key must be
 * there, be a hold's, be completed and answer ok with this booking. Anything else is a second
 * outcome for the same key.
 */
export const bookingHasHoldKey: Check = {
  name: 'booking-without-hold-key',
  invariant: 3,
  async run({ em }) {
    const rows = await query<{
      id: string;
      user_id: string;
      key: string;
      operation: string | null;
      status: string | null;
      ok: boolean | null;
      named: string | null;
    }>(
      em,
      `select b.id, b.user_id, b.idempotency_key as key, k.operation, k.status,
              (k.response -> 'ok') = 'true'::jsonb as ok, k.response -> 'data' ->> 'id' as named
         from bookings b
         left join idempotency_keys k on k.user_id = b.user_id and k.key = b.idempotency_key
        where k.user_id is null
           or k.operation not in ${BOOKING_OPERATIONS}
           or k.status <> 'completed'
           or (k.response -> 'ok') is distinct from 'true'::jsonb
           or (k.response -> 'data' ->> 'id') is distinct from b.id::text
        order by b.id`,
    );
    return rows.map((r) => {
      const booking = `booking ${r.id} (user ${r.user_id}, key ${JSON.stringify(r.key)})`;
      if (r.operation === null) return `${booking} has no idempotency key row`;
      if (r.operation !== 'hold' && r.operation !== 'request')
        return `${booking}: its key was claimed by operation ${r.operation}`;
      if (r.status !== 'completed') return `${booking}: its hold key is still ${r.status}`;
      if (!r.ok) return `${booking}: its hold key answered with an error`;
      return `${booking}: its hold key names booking ${r.named ?? '(none)'}`;
    });
  },
};

export const idempotencyChecks: Check[] = [
  duplicateBookingKeys,
  duplicatePaymentKeys,
  holdKeyNamesItsBooking,
  bookingHasHoldKey,
];
