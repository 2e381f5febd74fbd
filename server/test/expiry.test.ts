import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';

describe('hold expiry', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { HOLD_SECONDS: 1 } });
    run = await createTestRun(db.pool, { seatsPerClass: 60 });
    users = await createUsers(db.pool, 60);
  });
  afterAll(() => db.close());

  it('an expired hold does not block a new hold before the sweeper has run', async () => {
    const seat = run.seats.SL![0]!;
    const old = await engine.hold(users[0]!, holdInput(run, [seat]));
    await sleep(1100);
    const fresh = await engine.hold(users[1]!, holdInput(run, [seat]));
    expect(fresh.status).toBe('held');
    const audit = await db.pool.query(
      `select actor, action from audit_log where booking_id = $1 order by id`,
      [old.id],
    );
    expect(audit.rows).toEqual([
      { actor: `user:${users[0]!.userId}`, action: 'HOLD' },
      { actor: 'SYSTEM', action: 'EXPIRE' },
    ]);
    await engine.release(users[1]!, { bookingId: fresh.id });
    await db.assertIntegrity();
  });

  it('two sweepers together expire each hold exactly once', async () => {
    const second = await db.engine({ config: { HOLD_SECONDS: 1 } });
    const holds = await Promise.all(
      users.slice(2, 42).map((u, i) => engine.hold(u, holdInput(run, [run.seats.SL![i + 1]!]))),
    );
    await sleep(1100);
    let expired = 0;
    for (let i = 0; i < 20 && expired < holds.length; i++) {
      const [a, b] = await Promise.all([engine.sweep(7), second.sweep(7)]);
      expired += a + b;
    }
    expect(expired).toBe(holds.length);
    const audits = await db.pool.query<{ booking_id: string; n: string }>(
      `select booking_id, count(*) as n from audit_log where action = 'EXPIRE' and booking_id = any($1::bigint[]) group by booking_id`,
      [holds.map((h) => h.id)],
    );
    expect(audits.rows).toHaveLength(holds.length);
    expect(audits.rows.every((r) => r.n === '1')).toBe(true);
    await db.assertIntegrity({ sweeperRunning: true });
  });

  it('a sweeper is not blocked by a booking row locked elsewhere', async () => {
    const [a, b] = await Promise.all([
      engine.hold(users[42]!, holdInput(run, [run.seats.SL![50]!])),
      engine.hold(users[43]!, holdInput(run, [run.seats.SL![51]!])),
    ]);
    await sleep(1100);
    const blocker = await db.pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select id from bookings where id = $1 for update', [a.id]);
      const swept = await Promise.race([
        engine.sweep(),
        sleep(5000).then(() => 'blocked' as const),
      ]);
      expect(swept).toBe(1);
      const statuses = await db.pool.query(
        `select status from bookings where id = any($1::bigint[]) order by id = $2 desc`,
        [[a.id, b.id], a.id],
      );
      expect(statuses.rows.map((r) => r.status)).toEqual(['held', 'expired']);
    } finally {
      await blocker.query('rollback');
      blocker.release();
    }
    expect(await engine.sweep()).toBe(1);
    await db.assertIntegrity({ sweeperRunning: true });
  });
});
