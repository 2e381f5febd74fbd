import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { SimulatedCrash } from '../src/engine-context.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUsers,
  holdInput,
  key,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

describe('cancelling and refunding', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];
  let seat = 0;
  const nextSeat = () => run.seats.SL![seat++]!;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { GATEWAY_LATENCY_MS: 10 } });
    run = await createTestRun(db.pool, { seatsPerClass: 20, departsInMinutes: 24 * 60 });
    users = await createUsers(db.pool, 8);
  });
  afterAll(() => db.close());

  async function confirmed(user: UserActor, r = run, eng = engine) {
    const held = await eng.hold(user, holdInput(r, [r === run ? nextSeat() : r.seats.SL![0]!]));
    return eng.pay(user, { bookingId: held.id, idempotencyKey: key('pay') });
  }

  it('a confirmed booking is cancelled, its seat freed and fully refunded', async () => {
    const booking = await confirmed(users[0]!);
    const cancelled = await engine.cancel(users[0]!, {
      bookingId: booking.id,
      idempotencyKey: key('cancel'),
    });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.refund).toEqual({
      status: 'succeeded',
      amountPaise: booking.farePaise,
      reason: 'cancellation',
    });
    const map = await engine.seatMap(null, {
      runId: run.runId,
      from: run.stops[0],
      to: run.stops[4],
    });
    expect(map.seats.find((s) => s.seatId === booking.seats[0]!.seatId)!.state).toBe('free');
    await db.assertIntegrity();
  });

  it('a replayed cancel, or a second cancel, refunds once', async () => {
    const booking = await confirmed(users[1]!);
    const input = { bookingId: booking.id, idempotencyKey: key('cancel') };
    const results = await Promise.all([
      engine.cancel(users[1]!, input),
      engine.cancel(users[1]!, input),
    ]);
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    const again = await engine.cancel(users[1]!, {
      bookingId: booking.id,
      idempotencyKey: key('cancel'),
    });
    expect(again.status).toBe('cancelled');
    const refunds = await db.pool.query(`select count(*) from refunds where booking_id = $1`, [
      booking.id,
    ]);
    expect(refunds.rows[0].count).toBe('1');
    await db.assertIntegrity();
    const charges = await db.pool.query(
      `select count(*) from gateway_charges where kind = 'refund' and idempotency_key = any(select 'refund-' || id from refunds where booking_id = $1)`,
      [booking.id],
    );
    expect(charges.rows[0].count).toBe('1');
  });

  it('cancelling a held booking releases it', async () => {
    const held = await engine.hold(users[2]!, holdInput(run, [nextSeat()]));
    const released = await engine.cancel(users[2]!, {
      bookingId: held.id,
      idempotencyKey: key('cancel'),
    });
    expect(released.status).toBe('released');
    expect(released.refund).toBeNull();
  });

  it('within an hour of departure from the boarding station: CANCELLATION_CLOSED, nothing changes', async () => {
    const soon = await createTestRun(db.pool, { stops: 3, seatsPerClass: 2, departsInMinutes: 30 });
    const booking = await confirmed(users[3]!, soon);
    expect(
      await outcomes([
        engine.cancel(users[3]!, { bookingId: booking.id, idempotencyKey: key('cancel') }),
      ]),
    ).toEqual(['CANCELLATION_CLOSED']);
    const status = await db.pool.query(`select status from bookings where id = $1`, [booking.id]);
    expect(status.rows[0].status).toBe('confirmed');
  });

  it('the refund window is configurable', async () => {
    const lenient = await db.engine({
      config: { CANCEL_CUTOFF_MINUTES: 10, REFUND_PERCENT: 75, GATEWAY_LATENCY_MS: 10 },
    });
    const soon = await createTestRun(db.pool, { stops: 3, seatsPerClass: 2, departsInMinutes: 30 });
    const booking = await confirmed(users[4]!, soon, lenient);
    const cancelled = await lenient.cancel(users[4]!, {
      bookingId: booking.id,
      idempotencyKey: key('cancel'),
    });
    expect(cancelled.refund).toEqual({
      status: 'succeeded',
      amountPaise: Math.floor(booking.farePaise * 0.75),
      reason: 'cancellation',
    });
  });

  it("another user's booking: FORBIDDEN", async () => {
    const booking = await confirmed(users[5]!);
    expect(
      await outcomes([
        engine.cancel(users[6]!, { bookingId: booking.id, idempotencyKey: key('cancel') }),
      ]),
    ).toEqual(['FORBIDDEN']);
  });

  it('a refund left pending by a crash is finished by the reconciler', async () => {
    const crashing = await db.engine({
      hooks: { crashBeforeRefundCall: true },
      config: { GATEWAY_LATENCY_MS: 10 },
    });
    const booking = await confirmed(users[7]!);
    await expect(
      crashing.cancel(users[7]!, { bookingId: booking.id, idempotencyKey: key('cancel') }),
    ).rejects.toBeInstanceOf(SimulatedCrash);
    const pending = await db.pool.query(`select status from refunds where booking_id = $1`, [
      booking.id,
    ]);
    expect(pending.rows[0].status).toBe('pending');
    expect(await engine.reconcile({ olderThanMs: 0 })).toMatchObject({ refunds: 1 });
    const done = await db.pool.query(`select status from refunds where booking_id = $1`, [
      booking.id,
    ]);
    expect(done.rows[0].status).toBe('succeeded');
    await db.assertIntegrity();
  });
});
