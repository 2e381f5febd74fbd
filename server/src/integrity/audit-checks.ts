import { query } from '../common/sql.ts';
import type { Check } from './report.ts';

/*
 * Invariant 2: audit_log and outbox rows carry xid = the id of the transaction that wrote them,
 * so "written in the same transaction" is a plain equality on xid.
 */

export const auditWithoutOutbox: Check = {
  name: 'audit-without-outbox',
  invariant: 2,
  async run({ em }) {
    const rows = await query<{
      id: string;
      action: string;
      booking_id: string | null;
      xid: string;
    }>(
      em,
      `select a.id, a.action, a.booking_id, a.xid::text as xid
         from audit_log a
        where not exists (select 1 from outbox o where o.xid = a.xid)
          -- Older transactions' outbox rows were pruned on purpose (jobs/outbox-pruner.ts).
          and a.xid >= coalesce((select before_xid from outbox_pruned), '0'::xid8)
        order by a.id`,
    );
    return rows.map(
      (r) =>
        `audit ${r.id} (${r.action}${r.booking_id ? `, booking ${r.booking_id}` : ''}) ` +
        `has no outbox row from its transaction ${r.xid}`,
    );
  },
};

/** Outbox events that announce no state change (reminders), so no audit row comes with them. */
export const NOTICE_EVENTS: readonly string[] = ['hold:expiring'];

export const outboxWithoutAudit: Check = {
  name: 'outbox-without-audit',
  invariant: 2,
  async run({ em }) {
    const rows = await query<{ id: string; event: string; room: string; xid: string }>(
      em,
      `select o.id, o.event, o.room, o.xid::text as xid
         from outbox o
        where not exists (select 1 from audit_log a where a.xid = o.xid)
          and o.event <> all(?::text[])
        order by o.id`,
      [NOTICE_EVENTS],
    );
    return rows.map(
      (r) =>
        `outbox ${r.id} (${r.event} to ${r.room}) has no audit row from its transaction ${r.xid}`,
    );
  },
};

/**
 * The audit trail must end where the booking is. Rows without a status (a refund's progress) are
 * skipped, so the latest row that names a status is the one compared: a later status-less row
 * cannot hide an unaudited change.
 */
export const auditStatusMatchesBooking: Check = {
  name: 'audit-status-mismatch',
  invariant: 2,
  async run({ em }) {
    const rows = await query<{
      booking_id: string;
      status: string;
      audit_id: string;
      action: string;
      audited: string;
    }>(
      em,
      `select b.id as booking_id, b.status, last.id as audit_id, last.action, last.audited
         from (select distinct on (a.booking_id) a.booking_id, a.id, a.action, a.after ->> 'status' as audited
                 from audit_log a
                where a.booking_id is not null and a.after ->> 'status' is not null
                order by a.booking_id, a.id desc) last
         join bookings b on b.id = last.booking_id
        where last.audited is distinct from b.status
        order by b.id`,
    );
    return rows.map(
      (r) =>
        `booking ${r.booking_id} is ${r.status} but its last audited status is ${r.audited} ` +
        `(audit ${r.audit_id}, ${r.action})`,
    );
  },
};

export const auditChecks: Check[] = [
  auditWithoutOutbox,
  outboxWithoutAudit,
  auditStatusMatchesBooking,
];
