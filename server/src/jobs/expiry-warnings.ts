import type { EngineContext } from '../engine-context.ts';
import { query } from '../common/sql.ts';
import { raise } from '../modules/events/domain-events.ts';

/** How long before a hold expires its holder is warned. */
export const WARN_BEFORE_SECONDS = 60;

/**
 * Queues `hold:expiring` for holds that end within a minute, once each: the bookings are marked in
 * the transaction that writes the outbox rows, and `SKIP LOCKED` lets every node run this.
 */
export async function warnExpiringHolds(ctx: EngineContext): Promise<number> {
  // Most seconds nothing is due: look first without a transaction (the partial index answers),
  // as the sweeper does, so an idle node does not commit an empty transaction every second.
  const anyDue = await query(
    ctx.em(),
    `select 1 from bookings
      where status = 'held' and expiry_warned_at is null
        and expires_at > now() and expires_at <= now() + make_interval(secs => ?)
      limit 1`,
    [WARN_BEFORE_SECONDS],
  );
  if (anyDue.length === 0) return 0;
  return ctx.tx(async (tx) => {
    const due = await query<{ id: string; user_id: string; pnr: string; expires_at: Date }>(
      tx,
      `with due as (
         select id from bookings
          where status = 'held' and expiry_warned_at is null
            and expires_at > now() and expires_at <= now() + make_interval(secs => ?)
          order by expires_at limit 500 for update skip locked
       )
       update bookings b set expiry_warned_at = now() from due where b.id = due.id
       returning b.id, b.user_id, b.pnr, b.expires_at`,
      [WARN_BEFORE_SECONDS],
    );
    const serverNow = new Date().toISOString();
    for (const b of due) {
      raise(tx, {
        type: 'hold.expiring',
        booking: { id: Number(b.id), pnr: b.pnr, userId: Number(b.user_id) },
        expiresAt: new Date(b.expires_at).toISOString(),
        serverNow,
      });
    }
    return due.length;
  });
}
