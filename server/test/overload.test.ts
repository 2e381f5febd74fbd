import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolWaiters } from '../src/common/overload.ts';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';
import { waitFor } from './support/live.ts';

/**
 * A node with one database connection that queues no command behind another (depth 0): while one
 * command holds the connection and one waits for it, the next is answered OVERLOADED at once,
 * before its idempotency key is claimed, and its retry with the same key runs.
 */
describe('overload is answered, not queued', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { DB_POOL_MAX: 1, OVERLOAD_QUEUE_DEPTH: 0 } });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
    users = await createUsers(db.pool, 4);
    // Loads the run into the catalog cache, so the holds below go straight to their transaction.
    const warm = await engine.hold(users[3]!, holdInput(run, [run.seats.SL![3]!], 0, 2));
    await engine.release(users[3]!, { bookingId: warm.id });
  });
  afterAll(async () => {
    await db.assertIntegrity();
    await db.close();
  });

  it('answers OVERLOADED before claiming the key; the retry with that key holds the seat', async () => {
    const [a, c, b] = users as [UserActor, UserActor, UserActor];
    const [seatA, seatC, seatB] = run.seats.SL! as [number, number, number];
    const blocker = await db.pool.connect();
    let aHold: Promise<unknown> | undefined;
    let cHold: Promise<unknown> | undefined;
    try {
      await blocker.query('begin');
      await blocker.query('select id from seats where id = $1 for update', [seatA]);
      // A takes the only connection and waits on the seat lock; C waits for the connection.
      aHold = engine.hold(a, holdInput(run, [seatA], 0, 2));
      await waitFor(
        async () =>
          (
            await db.pool.query(
              `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
            )
          ).rowCount! > 0,
        10_000,
        'A waiting on the seat lock',
      );
      cHold = engine.hold(c, holdInput(run, [seatC], 0, 2));
      await waitFor(
        () => poolWaiters(engine.context.orm) >= 1,
        10_000,
        'C waiting for a connection',
      );

      const request = holdInput(run, [seatB], 0, 2);
      const refused = await engine.hold(b, request).then(
        () => null,
        (err: { code?: string; details?: { retryAfterMs?: unknown } }) => err,
      );
      expect(refused?.code).toBe('OVERLOADED');
      expect(refused?.details?.retryAfterMs).toEqual(expect.any(Number));
      expect(refused!.details!.retryAfterMs as number).toBeGreaterThan(0);
      const claimed = await db.pool.query(`select 1 from idempotency_keys where key = $1`, [
        request.idempotencyKey,
      ]);
      expect(claimed.rowCount).toBe(0);

      await blocker.query('rollback');
      await Promise.all([aHold, cHold]);
      const retried = await engine.hold(b, request);
      expect(retried.seats.map((s) => s.seatId)).toEqual([seatB]);
      const stored = await db.pool.query<{ status: string }>(
        `select status from idempotency_keys where key = $1`,
        [request.idempotencyKey],
      );
      expect(stored.rows).toEqual([{ status: 'completed' }]);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
      await Promise.allSettled([aHold, cHold]);
    }
  });
});
