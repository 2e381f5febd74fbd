import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingView } from '@berth/shared';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { deadlocks } from './support/deadlocks.ts';
import {
  codesOf,
  createTestRun,
  createUsers,
  holdInput,
  key,
  type TestRun,
} from './support/fixtures.ts';
import { DomainError } from '../src/common/errors.ts';
import { SimulatedCrash } from '../src/engine-context.ts';
import { systemActor } from '../src/modules/audit/transition-writer.ts';
import { settlePayment } from '../src/modules/payments/payment-outcome.ts';

describe('opposite lock orders cannot deadlock', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { seatsPerClass: 200 });
    users = await createUsers(db.pool, 200);
  });
  afterAll(() => db.close());

  it('two users holding the same seats in opposite orders, 100 times concurrently', async () => {
    const before = await deadlocks(db);
    const seats = run.seats.SL!;
    const rounds = Array.from({ length: 100 }, (_, i) => i);
    const codes: string[] = [];
    // Ten pairs at a time: 20 transactions crossing over 10 seat pairs at once.
    for (let start = 0; start < rounds.length; start += 10) {
      const batch = rounds.slice(start, start + 10);
      const results = await Promise.allSettled(
        batch.flatMap((i) => {
          const [a, b] = [seats[2 * i]!, seats[2 * i + 1]!];
          return [
            engine.hold(users[2 * i]!, holdInput(run, [a, b])),
            engine.hold(users[2 * i + 1]!, holdInput(run, [b, a])),
          ] as Promise<BookingView>[];
        }),
      );
      const batchCodes = codesOf(results);
      codes.push(...batchCodes);
      for (let j = 0; j < batchCodes.length; j += 2) {
        expect([batchCodes[j], batchCodes[j + 1]].sort(), `pair ${start + j / 2}`).toEqual([
          'OK',
          'SEAT_TAKEN',
        ]);
      }
    }
    expect(codes.filter((c) => c !== 'OK' && c !== 'SEAT_TAKEN')).toEqual([]);
    expect(await deadlocks(db)).toBe(before);
    await db.assertIntegrity();
  });

  it('a payment settling while a hold expires its lapsed booking, 30 times at once: no deadlock, one outcome per seat', async () => {
    const before = await deadlocks(db);
    const pairs = 30;
    const [payers, takers] = [await createUsers(db.pool, pairs), await createUsers(db.pool, pairs)];
    const seats = run.seats.CC!.slice(0, pairs);
    // Each payer's charge went through and then the node died: the booking is left `paying`,
    // its payment pending. Then its time runs out, so the next hold on its seat expires it.
    const crashing = await db.engine({ hooks: { crashAfterCharge: true } });
    const bookings: number[] = [];
    for (const [i, seat] of seats.entries()) {
      const held = await engine.hold(payers[i]!, holdInput(run, [seat]));
      await expect(
        crashing.pay(payers[i]!, { bookingId: held.id, idempotencyKey: key('pay') }),
      ).rejects.toBeInstanceOf(SimulatedCrash);
      bookings.push(held.id);
    }
    await db.pool.query(
      `update bookings set expires_at = now() - interval '2 seconds',
                           hold_until = now() - interval '1 second' where id = any($1)`,
      [bookings],
    );
    const payments = await db.pool.query<{ id: string; booking_id: string }>(
      `select id, booking_id from payments where booking_id = any($1) order by booking_id`,
      [bookings],
    );
    const ctx = engine.context;
    const results = await Promise.all(
      payments.rows.map((p) => ctx.gateway.lookup(`charge-${p.id}`)),
    );
    // The settlement (seats, booking, payment) meets the lazy expiry (seats, booking).
    const settled = await Promise.allSettled(
      payments.rows.flatMap((p, i) => [
        ctx.tx((em) => settlePayment(em, systemActor, Number(p.id), results[i]!)),
        engine.hold(takers[i]!, holdInput(run, [seats[i]!])),
      ]),
    );
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(failures.filter((e) => !(e instanceof DomainError && e.code === 'SEAT_TAKEN'))).toEqual(
      [],
    );
    const outcomes = await db.pool.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from bookings where id = any($1) group by status`,
      [bookings],
    );
    const byStatus = Object.fromEntries(outcomes.rows.map((r) => [r.status, r.n]));
    const taken = settled.filter((r, i) => i % 2 === 1 && r.status === 'fulfilled').length;
    // Every seat went one way: to its payer (confirmed), or to its taker (payer expired).
    expect((byStatus.confirmed ?? 0) + taken).toBe(pairs);
    expect(byStatus.expired ?? 0).toBe(taken);
    expect(await deadlocks(db)).toBe(before);
    await engine.reconcile({ olderThanMs: 0 }); // refunds the charges that landed too late
    await db.assertIntegrity();
  });

  it('control: locking the same two seats in opposite orders by hand does deadlock, and the counter moves', async () => {
    const before = await deadlocks(db);
    const [a, b] = [run.seats.CC![0]!, run.seats.CC![1]!];
    const [c1, c2] = [await db.pool.connect(), await db.pool.connect()];
    try {
      await c1.query('begin');
      await c2.query('begin');
      await c1.query('select id from seats where id = $1 for update', [a]);
      await c2.query('select id from seats where id = $1 for update', [b]);
      const crossed = await Promise.allSettled([
        c1.query('select id from seats where id = $1 for update', [b]),
        c2.query('select id from seats where id = $1 for update', [a]),
      ]);
      const rejected = crossed.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { code: string }).code] : [],
      );
      expect(rejected).toEqual(['40P01']);
    } finally {
      await c1.query('rollback');
      await c2.query('rollback');
      c1.release();
      c2.release();
    }
    expect(await deadlocks(db)).toBe(before + 1);
  });
});
