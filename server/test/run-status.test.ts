import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUser, holdInput, key, type TestRun } from './support/fixtures.ts';

/**
 * A run closed in the database (an operator, another system) is refused by every hold at once,
 * even by a node whose route cache still says it takes bookings: the hold's transaction reads the
 * run's status itself, on both of its paths.
 */
describe("a hold reads the run's status in its own transaction", () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let user: UserActor;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
    user = await createUser(db.pool);
    // The node's route cache learns the run while it is open.
    const first = await engine.hold(user, holdInput(run, [run.seats.SL![0]!]));
    await engine.release(user, { bookingId: first.id });
  });
  afterAll(() => db.close());

  async function storedAnswer(idempotencyKey: string) {
    const r = await db.pool.query(
      `select status, response from idempotency_keys where user_id = $1 and key = $2`,
      [user.userId, idempotencyKey],
    );
    return r.rows[0];
  }

  it('the one-statement path: refused INVALID_STATE, stored under its key, nothing held', async () => {
    await db.pool.query(`update runs set status = 'cancelled' where id = $1`, [run.runId]);
    try {
      const input = holdInput(run, [run.seats.SL![1]!], 0, 2, key('closed'));
      await expect(engine.hold(user, input)).rejects.toMatchObject({
        code: 'INVALID_STATE',
        message: expect.stringContaining('no longer taking bookings'),
      });
      // Refused inside the transaction (the cache would have refused before claiming the key).
      expect(await storedAnswer(input.idempotencyKey)).toMatchObject({
        status: 'completed',
        response: { ok: false, error: { code: 'INVALID_STATE' } },
      });
      const live = await db.pool.query(
        `select count(*)::int as n from bookings where run_id = $1 and status = 'held'`,
        [run.runId],
      );
      expect(live.rows[0].n).toBe(0);
    } finally {
      await db.pool.query(`update runs set status = 'scheduled' where id = $1`, [run.runId]);
    }
  });

  it('the statement-by-statement path: refused the same way', async () => {
    const stepwise = await db.engine({ hooks: { stepwiseHolds: true } });
    const seat = run.seats.SL![2]!;
    // Its route cache learns the run while it is open, too.
    const warm = await stepwise.hold(user, holdInput(run, [seat]));
    await stepwise.release(user, { bookingId: warm.id });
    await db.pool.query(`update runs set status = 'cancelled' where id = $1`, [run.runId]);
    try {
      const input = holdInput(run, [seat], 0, 2, key('closed-stepwise'));
      await expect(stepwise.hold(user, input)).rejects.toMatchObject({ code: 'INVALID_STATE' });
      expect(await storedAnswer(input.idempotencyKey)).toMatchObject({
        status: 'completed',
        response: { ok: false, error: { code: 'INVALID_STATE' } },
      });
    } finally {
      await db.pool.query(`update runs set status = 'scheduled' where id = $1`, [run.runId]);
    }
    // Open again: the same seat is held, on either path.
    const again = await stepwise.hold(user, holdInput(run, [seat]));
    expect(again.status).toBe('held');
    await db.assertIntegrity();
  });
});
