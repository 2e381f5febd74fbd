import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUsers,
  holdInput,
  key,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

describe('idempotency keys', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { seatsPerClass: 10 });
    users = await createUsers(db.pool, 4);
  });
  afterAll(() => db.close());

  it('the same key replays the stored result', async () => {
    const input = holdInput(run, [run.seats.SL![0]!]);
    const first = await engine.hold(users[0]!, input);
    const replay = await engine.hold(users[0]!, input);
    expect({ ...replay, serverNow: '' }).toEqual({ ...first, serverNow: '' });
    const n = await db.pool.query(`select count(*) from bookings where user_id = $1`, [
      users[0]!.userId,
    ]);
    expect(n.rows[0].count).toBe('1');
  });

  it('a refusal is replayed too', async () => {
    const input = holdInput(run, [run.seats.SL![0]!]);
    expect(await outcomes([engine.hold(users[1]!, input)])).toEqual(['SEAT_TAKEN']);
    expect(await outcomes([engine.hold(users[1]!, input)])).toEqual(['SEAT_TAKEN']);
  });

  it('20 concurrent requests with one key execute once', async () => {
    const input = holdInput(run, [run.seats.SL![1]!, run.seats.SL![2]!]);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => engine.hold(users[2]!, input)),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const rows = await db.pool.query(
      `select (select count(*) from bookings where user_id = $1) as bookings,
              (select count(*) from audit_log where actor = $2 and action = 'HOLD') as audits`,
      [users[2]!.userId, `user:${users[2]!.userId}`],
    );
    expect(rows.rows[0]).toEqual({ bookings: '1', audits: '1' });
    await db.assertIntegrity();
  });

  it('the same key with another request is IDEMPOTENCY_MISMATCH and changes nothing', async () => {
    const k = key('mismatch');
    await engine.hold(users[3]!, holdInput(run, [run.seats.SL![3]!], 0, 4, k));
    const other = holdInput(run, [run.seats.SL![4]!], 0, 4, k);
    expect(await outcomes([engine.hold(users[3]!, other)])).toEqual(['IDEMPOTENCY_MISMATCH']);
    const map = await engine.seatMap(null, {
      runId: run.runId,
      from: run.stops[0],
      to: run.stops[4],
    });
    expect(map.seats.find((s) => s.seatId === run.seats.SL![4])!.state).toBe('free');
    // Keys belong to a user: another user may use the same string.
    const someoneElse = await engine.hold(users[1]!, other);
    expect(someoneElse.status).toBe('held');
  });
});
