import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, key, type TestRun } from './support/fixtures.ts';

const EXPECTED_ERRORS = new Set([
  'SEAT_TAKEN',
  'JOURNEY_OVERLAP',
  'PAYMENT_DECLINED',
  'PAYMENT_PENDING',
  'HOLD_EXPIRED',
  'INVALID_STATE',
]);

describe('a random concurrent mix of every operation', () => {
  let db: TestDb;
  let engines: Engine[];
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    const config = {
      HOLD_SECONDS: 2,
      SWEEP_INTERVAL_MS: 150,
      RECONCILE_INTERVAL_MS: 300,
      GATEWAY_LATENCY_MS: 15,
    };
    // Two engines with their own pools and sweepers, like two nodes.
    engines = [await db.engine({ config }), await db.engine({ config })];
    await engines[0]!.setGatewaySettings(
      { userId: null, role: 'admin' },
      { failureRate: 0.3, latencyMs: 15, timeoutMs: 2000 },
    );
    for (const e of engines) e.startJobs();
    run = await createTestRun(db.pool, { stops: 5, seatsPerClass: 12 });
    users = await createUsers(db.pool, 24);
  });
  afterAll(() => db.close());

  it('leaves every invariant intact and exactly one audit row per transition', async () => {
    const unexpected: string[] = [];
    const deadline = Date.now() + 8000;
    const rnd = (n: number) => Math.floor(Math.random() * n);

    async function actor(user: UserActor, engine: Engine) {
      while (Date.now() < deadline) {
        try {
          const seats = [
            ...new Set(Array.from({ length: 1 + rnd(2) }, () => run.seats.SL![rnd(12)]!)),
          ];
          const from = rnd(3);
          const booking = await engine.hold(
            user,
            holdInput(run, seats, from, from + 1 + rnd(4 - from)),
          );
          const choice = rnd(5);
          if (choice === 0) await engine.release(user, { bookingId: booking.id });
          else if (choice === 1)
            await sleep(2100); // let it expire
          else {
            let paid = false;
            for (let attempt = 0; attempt < 3 && !paid; attempt++) {
              paid = await engine
                .pay(user, { bookingId: booking.id, idempotencyKey: key('pay') })
                .then(
                  () => true,
                  (e: { code?: string }) => {
                    if (e.code !== 'PAYMENT_DECLINED') throw e;
                    return false;
                  },
                );
            }
            if (paid && choice === 4)
              await engine.cancel(user, { bookingId: booking.id, idempotencyKey: key('cancel') });
            else if (!paid) await engine.release(user, { bookingId: booking.id });
          }
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (!code || !EXPECTED_ERRORS.has(code))
            unexpected.push(`${code}: ${(err as Error).message}`);
          await sleep(rnd(20));
        }
      }
    }
    await Promise.all(users.map((u, i) => actor(u, engines[i % 2]!)));
    expect(unexpected).toEqual([]);

    // Let every hold lapse and every pending payment settle, then check.
    await sleep(2500);
    await engines[0]!.reconcile({ olderThanMs: 0 });
    while ((await engines[0]!.sweep()) > 0);
    await db.assertIntegrity({ sweeperRunning: true });

    const counts = await db.pool.query<{ status: string; n: string }>(
      `select status, count(*) as n from bookings group by status`,
    );
    expect(counts.rows.length).toBeGreaterThanOrEqual(3);

    // Each booking's audit rows form one unbroken chain of its status changes.
    const chains = await db.pool.query<{
      id: string;
      status: string;
      steps: { before: string | null; after: string }[];
    }>(
      `select b.id, b.status,
              json_agg(json_build_object('before', a.before->>'status', 'after', a.after->>'status') order by a.id) as steps
         from bookings b join audit_log a on a.booking_id = b.id and a.after ? 'status'
        group by b.id, b.status`,
    );
    const total = await db.pool.query(`select count(*) from bookings`);
    expect(chains.rows).toHaveLength(Number(total.rows[0].count));
    for (const chain of chains.rows) {
      let state: string | null = null;
      for (const step of chain.steps) {
        expect(step.before, `booking ${chain.id}: ${JSON.stringify(chain.steps)}`).toBe(state);
        state = step.after;
      }
      expect(state, `booking ${chain.id}`).toBe(chain.status);
    }
  });
});
