import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

describe('paying for a hold', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];
  let seat = 0;
  const admin = { userId: null, role: 'admin' as const };
  const nextSeat = () => run.seats.SL![seat++]!;
  const gateway = (settings: { failureRate?: number; latencyMs?: number; timeoutMs?: number }) =>
    engine.setGatewaySettings(admin, settings);

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { seatsPerClass: 30 });
    users = await createUsers(db.pool, 12);
  });
  afterAll(() => db.close());
  // The gateway's settings are one row: every test starts from a quick, honest bank, also after
  // a test that changed them failed before putting them back.
  beforeEach(() => gateway({ failureRate: 0, latencyMs: 20, timeoutMs: 2000 }));

  it('succeeds: confirmed, payment and charge recorded, replay returns the same booking', async () => {
    const held = await engine.hold(users[0]!, holdInput(run, [nextSeat()]));
    const input = { bookingId: held.id, idempotencyKey: key('pay') };
    const paid = await engine.pay(users[0]!, input);
    expect(paid.status).toBe('confirmed');
    const replay = await engine.pay(users[0]!, input);
    expect(replay.status).toBe('confirmed');
    const rows = await db.pool.query(
      `select p.status, g.status as charge from payments p join gateway_charges g on g.idempotency_key = 'charge-' || p.id
        where p.booking_id = $1`,
      [held.id],
    );
    expect(rows.rows).toEqual([{ status: 'succeeded', charge: 'succeeded' }]);
  });

  it('a decline leaves the hold payable; a retry with a new key succeeds', async () => {
    const held = await engine.hold(users[1]!, holdInput(run, [nextSeat()]));
    await gateway({ failureRate: 1 });
    expect(
      await outcomes([engine.pay(users[1]!, { bookingId: held.id, idempotencyKey: key('pay') })]),
    ).toEqual(['PAYMENT_DECLINED']);
    const map = await engine.seatMap(users[1]!.userId, {
      runId: run.runId,
      from: run.stops[0],
      to: run.stops[4],
    });
    expect(map.seats.find((s) => s.seatId === held.seats[0]!.seatId)!.state).toBe('yours');
    await gateway({ failureRate: 0 });
    const paid = await engine.pay(users[1]!, { bookingId: held.id, idempotencyKey: key('pay') });
    expect(paid.status).toBe('confirmed');
    const payments = await db.pool.query(
      `select status from payments where booking_id = $1 order by id`,
      [held.id],
    );
    expect(payments.rows.map((r) => r.status)).toEqual(['failed', 'succeeded']);
  });

  it('after expiry: HOLD_EXPIRED, and nothing is charged', async () => {
    const short = await db.engine({ config: { HOLD_SECONDS: 1 } });
    const held = await short.hold(users[2]!, holdInput(run, [nextSeat()]));
    await sleep(1100);
    expect(
      await outcomes([short.pay(users[2]!, { bookingId: held.id, idempotencyKey: key('pay') })]),
    ).toEqual(['HOLD_EXPIRED']);
    const payments = await db.pool.query(`select count(*) from payments where booking_id = $1`, [
      held.id,
    ]);
    expect(payments.rows[0].count).toBe('0');
  });

  it("another user's booking: FORBIDDEN; an unknown one: NOT_FOUND", async () => {
    const held = await engine.hold(users[3]!, holdInput(run, [nextSeat()]));
    expect(
      await outcomes([engine.pay(users[4]!, { bookingId: held.id, idempotencyKey: key('pay') })]),
    ).toEqual(['FORBIDDEN']);
    expect(
      await outcomes([
        engine.pay(users[4]!, { bookingId: 99_999_999, idempotencyKey: key('pay') }),
      ]),
    ).toEqual(['NOT_FOUND']);
    const status = await db.pool.query(`select status from bookings where id = $1`, [held.id]);
    expect(status.rows[0].status).toBe('held');
  });

  it('a charge that lands after the hold expired is refunded', async () => {
    const short = await db.engine({ config: { HOLD_SECONDS: 1 } });
    const held = await short.hold(users[5]!, holdInput(run, [nextSeat()]));
    // The bank answers after 1.5 s, but we stop waiting after 0.3 s.
    await gateway({ latencyMs: 1500, timeoutMs: 300 });
    expect(
      await outcomes([short.pay(users[5]!, { bookingId: held.id, idempotencyKey: key('pay') })]),
    ).toEqual(['PAYMENT_PENDING']);
    // Past expiresAt + timeout the sweeper frees the seats; then the late charge lands.
    await sleep(1200);
    expect(await short.sweep()).toBeGreaterThanOrEqual(1);
    await sleep(800);
    // The bank is quick again; the reconciler finds the late charge and refunds it.
    await gateway({ latencyMs: 20, timeoutMs: 2000 });
    await short.reconcile({ olderThanMs: 0 });
    const rows = await db.pool.query(
      `select b.status, p.status as payment, r.status as refund, r.amount_paise = p.amount_paise as full_refund
         from bookings b join payments p on p.booking_id = b.id join refunds r on r.payment_id = p.id where b.id = $1`,
      [held.id],
    );
    expect(rows.rows).toEqual([
      { status: 'expired', payment: 'succeeded', refund: 'succeeded', full_refund: true },
    ]);
    await db.assertIntegrity();
  });

  it('no lock is held while the gateway is called: another transaction can lock the booking NOWAIT', async () => {
    const held = await engine.hold(users[6]!, holdInput(run, [nextSeat()]));
    await gateway({ latencyMs: 800, timeoutMs: 5000 });
    const paying = engine.pay(users[6]!, { bookingId: held.id, idempotencyKey: key('pay') });
    await waitForStatus(db, held.id, 'paying');
    await lockNowait(db, held.id);
    expect((await paying).status).toBe('confirmed');

    // And for the refund of a cancellation.
    const cancelling = engine.cancel(users[6]!, {
      bookingId: held.id,
      idempotencyKey: key('cancel'),
    });
    await waitForStatus(db, held.id, 'cancelled');
    await lockNowait(db, held.id);
    const refundRow = await db.pool.query(
      `select id from refunds where booking_id = $1 for update nowait`,
      [held.id],
    );
    expect(refundRow.rows).toHaveLength(1);
    expect((await cancelling).refund).toEqual({
      status: 'succeeded',
      amountPaise: held.farePaise,
      reason: 'cancellation',
    });
    await gateway({ latencyMs: 20, timeoutMs: 2000 });
    await db.assertIntegrity();
  });

  it('a payment left pending by a crash after the charge is completed by the reconciler', async () => {
    const crashing = await db.engine({ hooks: { crashAfterCharge: true } });
    const held = await crashing.hold(users[7]!, holdInput(run, [nextSeat()]));
    const input = { bookingId: held.id, idempotencyKey: key('pay') };
    await expect(crashing.pay(users[7]!, input)).rejects.toBeInstanceOf(SimulatedCrash);
    const before = await db.pool.query(`select status from bookings where id = $1`, [held.id]);
    expect(before.rows[0].status).toBe('paying');
    expect(await engine.reconcile({ olderThanMs: 0 })).toMatchObject({ payments: 1 });
    const after = await db.pool.query(
      `select b.status, p.status as payment from bookings b join payments p on p.booking_id = b.id where b.id = $1`,
      [held.id],
    );
    expect(after.rows).toEqual([{ status: 'confirmed', payment: 'succeeded' }]);
    // The client's retry of the same key now replays the confirmed booking.
    expect((await engine.pay(users[7]!, input)).status).toBe('confirmed');
    await db.assertIntegrity();
  });

  it('a payment that never reached the gateway is voided by the reconciler and the hold is payable again', async () => {
    const held = await engine.hold(users[8]!, holdInput(run, [nextSeat()]));
    // Simulate a crash between the first transaction and the gateway call.
    await db.pool.query(`update bookings set status = 'paying' where id = $1`, [held.id]);
    const p = await db.pool.query<{ id: string }>(
      `insert into payments (booking_id, user_id, idempotency_key, amount_paise, status) values ($1, $2, 'lost-key-1', $3, 'pending') returning id`,
      [held.id, users[8]!.userId, held.farePaise],
    );
    await db.pool.query(
      `with a as (insert into audit_log (actor, action, booking_id, before, after) values ('test', 'PAY_STARTED', $1, '{"status":"held"}', '{"status":"paying"}'))
       insert into outbox (event, room, payload) values ('booking:updated', 'test', $2::jsonb)`,
      [held.id, JSON.stringify({ bookingId: held.id, pnr: held.pnr, status: 'paying' })],
    );
    await engine.reconcile({ olderThanMs: 0 });
    const charge = await db.pool.query(
      `select status from gateway_charges where idempotency_key = $1`,
      [`charge-${p.rows[0]!.id}`],
    );
    expect(charge.rows[0].status).toBe('voided');
    const paid = await engine.pay(users[8]!, { bookingId: held.id, idempotencyKey: key('pay') });
    expect(paid.status).toBe('confirmed');
  });
});

async function waitForStatus(db: TestDb, bookingId: number, status: string) {
  for (let i = 0; i < 100; i++) {
    const r = await db.pool.query(`select status from bookings where id = $1`, [bookingId]);
    if (r.rows[0].status === status) return;
    await sleep(20);
  }
  throw new Error(`booking ${bookingId} never became ${status}`);
}

async function lockNowait(db: TestDb, bookingId: number) {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    const r = await client.query(`select id from bookings where id = $1 for update nowait`, [
      bookingId,
    ]);
    expect(r.rows).toHaveLength(1);
  } finally {
    await client.query('rollback');
    client.release();
  }
}
