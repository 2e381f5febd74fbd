import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUser, holdInput, type TestRun } from './support/fixtures.ts';

describe('the audit trail names its actors', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let priya: UserActor;
  let other: UserActor;
  const admin = { userId: null, role: 'admin' as const };
  const email = `priya-${Date.now()}@Test.Berth.dev`;

  beforeAll(async () => {
    db = await createTestDb();
    // Holds lapse after a second, so a lapsed one is expired by the system on the next hold.
    engine = await db.engine({ config: { HOLD_SECONDS: 1 } });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
    priya = await createUser(db.pool);
    other = await createUser(db.pool);
    await db.pool.query(`update users set name = 'Priya Auditor', email = $2 where id = $1`, [
      priya.userId,
      email.toLowerCase(),
    ]);
  });
  afterAll(() => db.close());

  it("shows a user actor's name and email next to the raw actor, and SYSTEM as itself", async () => {
    const seat = run.seats.SL![0]!;
    const held = await engine.hold(priya, holdInput(run, [seat]));
    await sleep(1100);
    // Holding the lapsed seat again expires Priya's hold first, as the system.
    const again = await engine.hold(other, holdInput(run, [seat]));
    await engine.release(other, { bookingId: again.id });

    const page = await engine.auditTrail(admin, { bookingId: held.id });
    expect(page.entries.map((e) => [e.action, e.actor, e.actorUser])).toEqual([
      ['EXPIRE', 'SYSTEM', null],
      [
        'HOLD',
        `user:${priya.userId}`,
        { id: priya.userId, name: 'Priya Auditor', email: email.toLowerCase() },
      ],
    ]);
  });

  it('filters by the raw actor as before, and by an email in any case', async () => {
    const byRaw = await engine.auditTrail(admin, { actor: `user:${priya.userId}` });
    expect(byRaw.entries.length).toBeGreaterThan(0);
    expect(byRaw.entries.every((e) => e.actorUser?.id === priya.userId)).toBe(true);
    const byEmail = await engine.auditTrail(admin, { actor: email.toUpperCase() });
    expect(byEmail.entries.map((e) => e.id)).toEqual(byRaw.entries.map((e) => e.id));
    const system = await engine.auditTrail(admin, { actor: 'SYSTEM' });
    expect(system.entries.length).toBeGreaterThan(0);
    expect(system.entries.every((e) => e.actor === 'SYSTEM' && e.actorUser === null)).toBe(true);
  });
});
