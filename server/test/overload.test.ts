import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolWaiters } from '../src/common/overload.ts';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, key, type TestRun } from './support/fixtures.ts';
import { waitFor } from './support/live.ts';

/**
 * A node with one database connection that queues no command behind another (depth 0): while one
 * command holds the connection and one waits for it, the next is answered OVERLOADED at once,
 * before its idempotency key is claimed, and its retry with the same key runs.
 */
/** Until a session of the test's database waits on a row lock (A, on the seat the test holds). */
const waitForLockWaiter = (db: TestDb) =>
  waitFor(
    async () =>
      (
        await db.pool.query(
          `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        )
      ).rowCount! > 0,
    10_000,
    'A waiting on the seat lock',
  );

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
      await waitForLockWaiter(db);
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

/**
 * Depth 1: with one command on the connection and two waiting for it, a new hold is turned away,
 * but a payment (finishing what a hold started) may still queue, up to twice the depth.
 */
describe('a payment may queue deeper than a new hold', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({
      config: { DB_POOL_MAX: 1, OVERLOAD_QUEUE_DEPTH: 1, GATEWAY_LATENCY_MS: 5 },
    });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 6 });
    users = await createUsers(db.pool, 5);
  });
  afterAll(async () => {
    await db.assertIntegrity();
    await db.close();
  });

  it('turns the hold away and lets the payment wait its turn', async () => {
    const [a, c, d, b, payer] = users as [UserActor, UserActor, UserActor, UserActor, UserActor];
    const seats = run.seats.SL!;
    const held = await engine.hold(payer, holdInput(run, [seats[5]!], 0, 2));
    const blocker = await db.pool.connect();
    const queued: Promise<unknown>[] = [];
    try {
      await blocker.query('begin');
      await blocker.query('select id from seats where id = $1 for update', [seats[0]]);
      queued.push(engine.hold(a, holdInput(run, [seats[0]!], 0, 2)));
      await waitForLockWaiter(db);
      queued.push(engine.hold(c, holdInput(run, [seats[1]!], 0, 2)));
      queued.push(engine.hold(d, holdInput(run, [seats[2]!], 0, 2)));
      await waitFor(() => poolWaiters(engine.context.orm) >= 2, 10_000, 'C and D waiting');

      const refused = await engine.hold(b, holdInput(run, [seats[3]!], 0, 2)).then(
        () => null,
        (err: { code?: string }) => err.code,
      );
      expect(refused).toBe('OVERLOADED');
      const paying = engine.pay(payer, { bookingId: held.id, idempotencyKey: key('pay') });
      queued.push(paying);
      await blocker.query('rollback');
      expect((await paying).status).toBe('confirmed');
      await Promise.all(queued);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
      await Promise.allSettled(queued);
    }
  });
});
