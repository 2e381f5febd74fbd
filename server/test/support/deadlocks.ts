import type { TestDb } from './harness.ts';

/**
 * PostgreSQL's count of deadlocks in the test's database. Statistics reach the shared counters
 * when a backend goes idle (at most once a second), so this waits a moment first: take it before
 * and after the concurrent part, and expect no change.
 */
export async function deadlocks(db: TestDb): Promise<number> {
  await new Promise((r) => setTimeout(r, 1500));
  const client = await db.pool.connect();
  try {
    await client.query('select pg_stat_clear_snapshot()');
    const r = await client.query<{ deadlocks: string }>(
      `select deadlocks from pg_stat_database where datname = current_database()`,
    );
    return Number(r.rows[0]!.deadlocks);
  } finally {
    client.release();
  }
}
