import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';

async function rowCounts(db: TestDb, bookingId: number) {
  const r = await db.pool.query<{
    bookings: string;
    seats: string;
    audits: string;
    payments: string;
  }>(
    `select (select count(*) from bookings where id = $1) as bookings,
            (select count(*) from booking_seats where booking_id = $1) as seats,
            (select count(*) from audit_log where booking_id = $1) as audits,
            (select count(*) from payments where booking_id = $1) as payments`,
    [bookingId],
  );
  return r.rows[0]!;
}

describe('a freed seat can be held again, and its history stays', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { HOLD_SECONDS: 1 } });
    run = await createTestRun(db.pool, { seatsPerClass: 6 });
    users = await createUsers(db.pool, 6);
  });
  afterAll(() => db.close());

  it('after a release', async () => {
    const seat = run.seats.SL![0]!;
    const old = await engine.hold(users[0]!, holdInput(run, [seat]));
    await engine.release(users[0]!, { bookingId: old.id });
    const again = await engine.hold(users[1]!, holdInput(run, [seat]));
    expect(again.status).toBe('held');
    expect(await rowCounts(db, old.id)).toEqual({
      bookings: '1',
      seats: '1',
      audits: '2',
      payments: '0',
    });
  });

  it('after an expiry (swept)', async () => {
    const seat = run.seats.SL![1]!;
    const old = await engine.hold(users[2]!, holdInput(run, [seat]));
    await new Promise((r) => setTimeout(r, 1200));
    expect(await engine.sweep()).toBeGreaterThanOrEqual(1);
    const again = await engine.hold(users[3]!, holdInput(run, [seat]));
    expect(again.status).toBe('held');
    const status = await db.pool.query(`select status from bookings where id = $1`, [old.id]);
    expect(status.rows[0].status).toBe('expired');
    expect(await rowCounts(db, old.id)).toEqual({
      bookings: '1',
      seats: '1',
      audits: '2',
      payments: '0',
    });
  });

  it('after a cancellation', async () => {
    const longer = await db.engine();
    const seat = run.seats.SL![2]!;
    const old = await longer.hold(users[4]!, holdInput(run, [seat]));
    await longer.pay(users[4]!, { bookingId: old.id, idempotencyKey: 'rehold-pay-1' });
    const cancelled = await longer.cancel(users[4]!, {
      bookingId: old.id,
      idempotencyKey: 'rehold-cancel-1',
    });
    expect(cancelled.status).toBe('cancelled');
    const again = await longer.hold(users[5]!, holdInput(run, [seat]));
    expect(again.status).toBe('held');
    // hold, pay started, pay confirmed, cancel, refund succeeded.
    expect(await rowCounts(db, old.id)).toEqual({
      bookings: '1',
      seats: '1',
      audits: '5',
      payments: '1',
    });
    await db.assertIntegrity();
  });
});
