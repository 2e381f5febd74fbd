import { bookingViewSchema, type BookingView } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUser,
  holdInput,
  key,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

describe('a booking as its ticket shows it', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let passenger: UserActor;
  const admin = { userId: null, role: 'admin' as const };

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { GATEWAY_LATENCY_MS: 5 } });
    run = await createTestRun(db.pool, { stops: 4, seatsPerClass: 4 });
    passenger = await createUser(db.pool);
  });
  afterAll(async () => {
    await engine.setGatewaySettings(admin, { failureRate: 0 });
    await db.close();
  });

  /** Every way a client gets the view: the command's ack, by PNR, and in the list. */
  const everyView = async (ack: BookingView): Promise<BookingView[]> => [
    ack,
    await engine.bookingByPnr(passenger, ack.pnr),
    (await engine.myBookings(passenger)).find((b) => b.pnr === ack.pnr)!,
  ];

  it('names the stations, and quotes the payment that went through and when', async () => {
    const held = await engine.hold(passenger, holdInput(run, [run.seats.CC![0]!], 1, 3));
    for (const view of await everyView(held)) {
      expect(bookingViewSchema.strict().parse(view)).toEqual(view);
      expect(view.from).toMatchObject({ code: run.stops[1], name: `Station ${run.stops[1]}` });
      expect(view.to).toMatchObject({ code: run.stops[3], name: `Station ${run.stops[3]}` });
      expect(view.payment).toBeNull();
    }

    // A declined attempt first: its reference must not be the one the ticket quotes.
    await engine.setGatewaySettings(admin, { failureRate: 1 });
    expect(
      await outcomes([engine.pay(passenger, { bookingId: held.id, idempotencyKey: key('pay') })]),
    ).toEqual(['PAYMENT_DECLINED']);
    await engine.setGatewaySettings(admin, { failureRate: 0 });
    const before = Date.now();
    const paid = await engine.pay(passenger, { bookingId: held.id, idempotencyKey: key('pay') });
    const after = Date.now();

    const rows = await db.pool.query<{ status: string; gateway_ref: string | null }>(
      `select status, gateway_ref from payments where booking_id = $1 order by id`,
      [held.id],
    );
    expect(rows.rows.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    const succeeded = rows.rows[1]!.gateway_ref!;
    expect(succeeded).toBeTruthy();
    expect(succeeded).not.toBe(rows.rows[0]!.gateway_ref);

    for (const view of await everyView(paid)) {
      expect(bookingViewSchema.strict().parse(view)).toEqual(view);
      expect(view.status).toBe('confirmed');
      expect(view.from.name).toBe(`Station ${run.stops[1]}`);
      expect(view.payment?.reference).toBe(succeeded);
      const paidAt = Date.parse(view.payment!.paidAt);
      // Database and test clocks are one machine's, but to the millisecond is asking too much.
      expect(paidAt).toBeGreaterThanOrEqual(before - 1000);
      expect(paidAt).toBeLessThanOrEqual(after + 1000);
      expect(paidAt).toBeGreaterThanOrEqual(Date.parse(view.createdAt));
    }

    // A cancelled ticket still quotes its payment (the refund goes back to it).
    const cancelled = await engine.cancel(passenger, {
      bookingId: held.id,
      idempotencyKey: key('cancel'),
    });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.payment?.reference).toBe(succeeded);
  });
});
