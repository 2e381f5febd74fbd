import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { OutboxMessage } from './outbox-push.ts';

export const SYSTEM_ACTOR = 'SYSTEM';

/** Who caused a change: a user, or the system (sweeper, reconciler). */
export interface Actor {
  userId: number | null;
  role: 'user' | 'admin' | 'system';
}
export const systemActor: Actor = { userId: null, role: 'system' };
export const actorName = (a: Actor) => (a.userId === null ? SYSTEM_ACTOR : `user:${a.userId}`);

export interface AuditRecord {
  actor: Actor;
  action: string;
  bookingId: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * Writes audit rows and outbox rows in one statement, inside the caller's transaction: a state
 * change and its announcement commit together or not at all (invariant 2).
 */
export async function recordTransitions(
  em: Em,
  audits: readonly AuditRecord[],
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (audits.length === 0 && messages.length === 0) return;
  const bindings: unknown[] = [];
  const auditValues = audits.map((a) => {
    bindings.push(
      actorName(a.actor),
      a.actor.userId,
      a.action,
      a.bookingId,
      a.before && JSON.stringify(a.before),
      a.after && JSON.stringify(a.after),
    );
    return '(?, ?, ?, ?, ?::jsonb, ?::jsonb)';
  });
  const outboxValues = messages.map((m) => {
    bindings.push(m.event, m.room, JSON.stringify(m.payload));
    return '(?, ?, ?::jsonb)';
  });
  const auditInsert = `insert into audit_log (actor, actor_user_id, action, booking_id, before, after)
                       values ${auditValues.join(', ')}`;
  const outboxInsert = `insert into outbox (event, room, payload) values ${outboxValues.join(', ')}`;
  let sql: string;
  if (audits.length === 0) sql = outboxInsert;
  else if (messages.length === 0) sql = auditInsert;
  else sql = `with audited as (${auditInsert}) ${outboxInsert}`;
  await query(em, sql, bindings);
}
