import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/common/sql.ts';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';

/**
 * A booking transaction's statements are prepared once per connection and then only bound and
 * executed: after one hold, its connection (the only one of this pool) has them prepared, and a
 * second hold prepares nothing new.
 */
describe('the hold statements are prepared once per connection', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { DB_POOL_MAX: 1 } });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
    users = await createUsers(db.pool, 2);
  });
  afterAll(async () => {
    await db.assertIntegrity();
    await db.close();
  });

  const prepared = () =>
    engine.context.tx((tx) =>
      query<{ statement: string }>(tx, `select statement from pg_prepared_statements`),
    );

  it('holds leave their statements prepared on the connection, and reuse them', async () => {
    await engine.hold(users[0]!, holdInput(run, [run.seats.SL![0]!], 0, 2));
    const afterFirst = (await prepared()).map((r) => r.statement.replace(/\s+/g, ' '));
    for (const fragment of [
      'select berth_hold(',
      "update idempotency_keys set status = 'completed'",
      'insert into audit_log',
    ]) {
      expect(
        afterFirst.some((s) => s.includes(fragment)),
        fragment,
      ).toBe(true);
    }
    await engine.hold(users[1]!, holdInput(run, [run.seats.SL![1]!], 0, 2));
    const afterSecond = await prepared();
    // The second hold only bound what the first prepared (the listing query is the one new).
    expect(afterSecond.length).toBe(afterFirst.length);
  });
});
