import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/common/sql.ts';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';

/**
 * A hold is five round trips: BEGIN, the hold function (hold-function.ts), the key's answer, the
 * events' flush, COMMIT; and its statements are prepared once per connection, then only bound and
 * executed. After one hold, its connection (the only one of this pool) has exactly those three
 * prepared, and a second hold prepares nothing new.
 */
describe('a hold is five round trips, each statement prepared once per connection', () => {
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

  /** The statements prepared on the pool's one connection, but the one that lists them. */
  const prepared = async () =>
    (
      await engine.context.tx((tx) =>
        query<{ statement: string }>(tx, `select statement from pg_prepared_statements`),
      )
    )
      .map((r) => r.statement.replace(/\s+/g, ' ').trim())
      .filter((s) => !s.includes('from pg_prepared_statements'));

  it('a hold prepares three statements on its connection, and the next reuses them', async () => {
    await engine.hold(users[0]!, holdInput(run, [run.seats.SL![0]!], 0, 2));
    const afterFirst = await prepared();
    const expected = [
      'select berth_hold(',
      "update idempotency_keys set status = 'completed'",
      'with audited as (insert into audit_log',
    ];
    expect(afterFirst).toHaveLength(expected.length);
    for (const start of expected) {
      expect(
        afterFirst.some((s) => s.startsWith(start)),
        `${start} in ${afterFirst.join(' | ')}`,
      ).toBe(true);
    }
    await engine.hold(users[1]!, holdInput(run, [run.seats.SL![1]!], 0, 2));
    // The second hold only bound what the first prepared.
    expect(await prepared()).toEqual(afterFirst);
  });
});
