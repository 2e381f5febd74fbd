import { SqlTx, query, type Em } from '../../common/sql.ts';

/**
 * The per (run, class) promotion lock: a transaction-scoped advisory lock on
 * `(run id, hashtext(class code))`. Every `booking:request` takes it, and so does every change
 * that may free seats of a (run, class) where people wait (RAC or waitlisted bookings), before
 * any seat row: the lock order is user, promotion lock, seats, bookings, payments. Only a
 * transaction that holds it promotes; the promotion job takes it with `pg_try_advisory_xact_lock`
 * and never waits.
 */
const held = new WeakMap<SqlTx, Set<string>>();
const keyOf = (runId: number, classCode: string) => `${runId}|${classCode}`;

function remember(em: Em, runId: number, classCode: string) {
  if (!(em instanceof SqlTx)) throw new Error('the promotion lock is taken inside a transaction');
  const set = held.get(em) ?? new Set<string>();
  set.add(keyOf(runId, classCode));
  held.set(em, set);
}

/** Waits for the promotion lock of (run, class). */
export async function lockPromotion(em: Em, runId: number, classCode: string): Promise<void> {
  await query(em, `select pg_advisory_xact_lock(?::int, hashtext(?))`, [runId, classCode]);
  remember(em, runId, classCode);
}

/** Takes the promotion lock of (run, class) if nobody holds it; never waits. */
export async function tryPromotion(em: Em, runId: number, classCode: string): Promise<boolean> {
  const [row] = await query<{ got: boolean }>(
    em,
    `select pg_try_advisory_xact_lock(?::int, hashtext(?)) as got`,
    [runId, classCode],
  );
  if (row?.got) remember(em, runId, classCode);
  return row?.got ?? false;
}

/** Whether this transaction holds the promotion lock of (run, class). */
export function holdsPromotion(em: Em, runId: number, classCode: string): boolean {
  return em instanceof SqlTx && (held.get(em)?.has(keyOf(runId, classCode)) ?? false);
}

/**
 * Before a change to a booking: when its (run, class) has people waiting, takes that class's
 * promotion lock. Read without locks and so perhaps stale: a queue that appears a moment later is
 * served by the promotion job instead.
 */
export async function lockPromotionIfQueued(em: Em, bookingId: number): Promise<void> {
  const [row] = await query<{ run_id: number; class_code: string; queued: boolean }>(
    em,
    `select b.run_id, b.class_code,
            exists (select 1 from bookings q where q.run_id = b.run_id and q.class_code = b.class_code
                       and q.status in ('rac', 'waitlisted')) as queued
       from bookings b where b.id = ?`,
    [bookingId],
  );
  if (row?.queued && !holdsPromotion(em, row.run_id, row.class_code)) {
    await lockPromotion(em, row.run_id, row.class_code);
  }
}
