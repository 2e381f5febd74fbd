import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, key, type TestRun } from './support/fixtures.ts';

/**
 * A command must never ask the pool for a second connection while its transaction holds one:
 * with as many such commands in flight as the pool has connections, each waits for another that
 * none will free, and the whole node stalls until the pool's acquire timeout (the load test's
 * rush found one in pay). On a pool of one connection that wait can never end.
 */
describe('every command on a pool of one connection', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let user: UserActor;
  const within = <T>(what: string, p: Promise<T>) =>
    Promise.race([
      p,
      sleep(10_000).then(() => {
        throw new Error(`${what} is stuck waiting for a second connection`);
      }),
    ]);

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { DB_POOL_MAX: 1 } });
    run = await createTestRun(db.pool, { seatsPerClass: 4 });
    user = (await createUsers(db.pool, 1))[0]!;
    await engine.setGatewaySettings(
      { userId: null, role: 'admin' },
      { failureRate: 0, latencyMs: 5, timeoutMs: 2000 },
    );
  });
  afterAll(() => db.close());

  it('holds, pays, cancels and releases', async () => {
    const seats = run.seats.SL!;
    const held = await within('hold', engine.hold(user, holdInput(run, [seats[0]!])));
    const paid = await within(
      'pay',
      engine.pay(user, { bookingId: held.id, idempotencyKey: key('pay') }),
    );
    expect(paid.status).toBe('confirmed');
    const cancelled = await within(
      'cancel',
      engine.cancel(user, { bookingId: held.id, idempotencyKey: key('cancel') }),
    );
    expect(cancelled.status).toBe('cancelled');
    const again = await within('hold', engine.hold(user, holdInput(run, [seats[1]!])));
    const released = await within('release', engine.release(user, { bookingId: again.id }));
    expect(released.status).toBe('released');
  });
});
