import type { MikroORM } from '@mikro-orm/postgresql';
import { query, transaction } from '../common/sql.ts';

/** Rows deleted per transaction, so a first prune after a long time never holds locks for long. */
const BATCH = 5_000;

/**
 * Deletes outbox rows that were published more than `retentionHours` ago. The outbox only carries
 * changes to the relays (the audit log is the permanent record), and every relay and the lag
 * metric scan it, so old rows are dead weight.
 *
 * It deletes whole transactions: every row whose xid is below X, the oldest transaction that still
 * has an unpublished or recent row, so everything below X is published and old. X is recorded in
 * `outbox_pruned` in the same transaction, and the integrity checker keeps checking invariant 2
 * (audit and outbox row from one transaction) for every audit row from X on. Safe on every node at
 * once: the mark only moves forward. Returns how many rows went.
 */
export async function pruneOutbox(orm: MikroORM, retentionHours: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await transaction(orm, async (tx) => {
      const [row] = await query<{ deleted: number }>(
        tx,
        `with horizon as (
           select coalesce(min(xid), pg_current_xact_id()) as x
             from outbox
            where published_at is null or published_at >= now() - ?::float8 * interval '1 hour'
         ), doomed as (
           select o.id from outbox o, horizon h where o.xid < h.x order by o.id limit ?
         ), gone as (
           delete from outbox o using doomed d where o.id = d.id returning 1
         ), marked as (
           insert into outbox_pruned (id, before_xid) select 1, x from horizon
           on conflict (id) do update
             set before_xid = greatest(outbox_pruned.before_xid, excluded.before_xid),
                 pruned_at = now()
         )
         select count(*)::int as deleted from gone`,
        [retentionHours, BATCH],
      );
      return row?.deleted ?? 0;
    });
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
