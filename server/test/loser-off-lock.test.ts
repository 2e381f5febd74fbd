import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  codesOf,
  createTestRun,
  createUsers,
  holdInput,
  type TestRun,
} from './support/fixtures.ts';

/**
 * A hold turned away because its seat is taken lets go of the seat's lock before it commits
 * anything: it rolls back, then stores its answer in a transaction of its own. Otherwise each
 * loser of a rush would keep the seat locked through its own commit, and the losers would pass
 * through the seat one WAL flush at a time. Earlier still, the hold function gives the lock back
 * as it answers (its seat locks are a subtransaction it rolls back), so the next contender does
 * not wait for this one's round trip to Node and its ROLLBACK either.
 */

/** Whether `seatIds` can be locked at once from another connection (NOWAIT: no queueing). */
async function lockableNow(db: TestDb, seatIds: number[]): Promise<boolean> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    const locked = await client
      .query(`select id from seats where id = any($1) for update nowait`, [seatIds])
      .then(
        () => true,
        () => false,
      );
    await client.query('rollback');
    return locked;
  } finally {
    client.release();
  }
}
describe('a refused hold is off the seat lock before any commit', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];
  const seen: { seatLockFree: boolean; keyStored: boolean }[] = [];
  const atAnswer: boolean[] = [];
  let watchedKey = '';

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({
      hooks: {
        beforeRefusalStored: async (seatIds) => {
          const locked = await lockableNow(db, seatIds);
          const stored = await db.pool.query(`select 1 from idempotency_keys where key = $1`, [
            watchedKey,
          ]);
          seen.push({ seatLockFree: locked, keyStored: stored.rowCount !== 0 });
        },
        onSeatsTaken: async (seatIds) => {
          atAnswer.push(await lockableNow(db, seatIds));
        },
      },
    });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
    users = await createUsers(db.pool, 2);
  });
  afterAll(async () => {
    await db.assertIntegrity();
    await db.close();
  });

  it('the loser rolls back first: the seat is lockable and nothing of it is committed yet', async () => {
    const seat = run.seats.SL![0]!;
    await engine.hold(users[0]!, holdInput(run, [seat], 0, 2));
    const loser = holdInput(run, [seat], 0, 2);
    watchedKey = loser.idempotencyKey;
    expect(codesOf(await Promise.allSettled([engine.hold(users[1]!, loser)]))).toEqual([
      'SEAT_TAKEN',
    ]);
    expect(seen).toEqual([{ seatLockFree: true, keyStored: false }]);
    // Free already when the function answered, its transaction still open.
    expect(atAnswer).toEqual([true]);

    // The answer is stored afterwards under the key: a retry replays it without running again.
    const stored = await db.pool.query<{ status: string; code: string }>(
      `select status, response -> 'error' ->> 'code' as code from idempotency_keys where key = $1`,
      [watchedKey],
    );
    expect(stored.rows).toEqual([{ status: 'completed', code: 'SEAT_TAKEN' }]);
    expect(codesOf(await Promise.allSettled([engine.hold(users[1]!, loser)]))).toEqual([
      'SEAT_TAKEN',
    ]);
    expect(seen).toHaveLength(1);
  });
});
