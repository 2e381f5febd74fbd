import { query } from '../common/sql.ts';
import { ACTIONS } from '../modules/events/event-handlers.ts';
import type { Check } from './report.ts';

/**
 * The audit action of an expiry. Taken from the engine so that a rename there cannot leave these
 * checks silently finding nothing; change it here to check a database written by another version.
 */
export const EXPIRE_AUDIT_ACTION: string = ACTIONS.expire;

/*
 * Invariant 4: a hold is freed after its time and never before. The audit row's `at` is now() of
 * the expiring transaction, the same now() its "has this hold lapsed?" test read.
 */

export const expiredBeforeExpiry: Check = {
  name: 'expired-before-expiry',
  invariant: 4,
  async run({ em }) {
    const rows = await query<{ booking_id: string; audit_id: string; at: Date; expires_at: Date }>(
      em,
      `select b.id as booking_id, a.id as audit_id, a.at, b.expires_at
         from bookings b
         join audit_log a on a.booking_id = b.id and a.action = ?
        where b.status = 'expired' and a.at < b.expires_at
        order by b.id, a.id`,
      [EXPIRE_AUDIT_ACTION],
    );
    return rows.map(
      (r) =>
        `booking ${r.booking_id} was expired (audit ${r.audit_id}) at ${iso(r.at)}, ` +
        `before its expiry ${iso(r.expires_at)}`,
    );
  },
};

/**
 * A paying booking keeps its seats past expires_at until hold_until (plus the gateway's
 * timeout): expiring it in between frees seats a charge in flight may still pay for.
 */
export const expiredBeforeHoldEnd: Check = {
  name: 'expired-before-hold-end',
  invariant: 4,
  async run({ em }) {
    const rows = await query<{ booking_id: string; audit_id: string; at: Date; hold_until: Date }>(
      em,
      `select b.id as booking_id, a.id as audit_id, a.at, b.hold_until
         from bookings b
         join audit_log a on a.booking_id = b.id and a.action = ?
        where b.status = 'expired' and a.at >= b.expires_at and a.at < b.hold_until
        order by b.id, a.id`,
      [EXPIRE_AUDIT_ACTION],
    );
    return rows.map(
      (r) =>
        `booking ${r.booking_id} was expired (audit ${r.audit_id}) at ${iso(r.at)}, ` +
        `before its hold ended at ${iso(r.hold_until)}`,
    );
  },
};

/** Only with a sweeper running: a lapsed hold it left alone past the grace period. */
export const lapsedHoldsSwept: Check = {
  name: 'lapsed-hold-not-swept',
  invariant: 4,
  async run({ em, sweeperRunning, graceSeconds }) {
    if (!sweeperRunning) return [];
    const rows = await query<{ id: string; status: string; hold_until: Date; late_s: number }>(
      em,
      `select id, status, hold_until, extract(epoch from now() - hold_until)::float8 as late_s
         from bookings
        where status in ('held', 'paying') and hold_until < now() - make_interval(secs => ?)
        order by hold_until, id`,
      [graceSeconds],
    );
    return rows.map(
      (r) =>
        `booking ${r.id} is still ${r.status} ${r.late_s.toFixed(1)} s after its hold ended ` +
        `(${iso(r.hold_until)}; grace ${graceSeconds} s)`,
    );
  },
};

const iso = (d: Date) => new Date(d).toISOString();

export const expiryChecks: Check[] = [expiredBeforeExpiry, expiredBeforeHoldEnd, lapsedHoldsSwept];
