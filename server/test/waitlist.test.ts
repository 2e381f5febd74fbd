import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityLabel, type BookingView } from '@berth/shared';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { deadlocks } from './support/deadlocks.ts';
import {
  createTestRun,
  createUsers,
  holdInput,
  key,
  localDate,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

/**
 * RAC and the waitlist, against a real PostgreSQL: `booking:request` takes whole berths, then
 * RAC halves, then waitlist places; payment queues them; a cancellation promotes in order,
 * matching party size, in the transaction that freed the seats.
 */
describe('RAC and the waitlist', () => {
  let db: TestDb;
  let engine: Engine;
  let users: UserActor[];
  let nextUser = 0;
  const user = () => users[nextUser++]!;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { GATEWAY_LATENCY_MS: 0, WAITLIST_LIMIT: 40 } });
    users = await createUsers(db.pool, 200);
  });
  afterAll(() => db.close());

  /** A train whose SL class has `seats` berths, the last `rac` of them RAC berths. */
  const train = (seats: number, rac: number) =>
    createTestRun(db.pool, { stops: 4, seatsPerClass: seats, racSeats: rac });

  const request = (
    who: UserActor,
    run: TestRun,
    party = 1,
    opts: { classCode?: string; from?: number; to?: number } = {},
  ) =>
    engine.requestPlaces(who, {
      runId: run.runId,
      from: run.stops[opts.from ?? 0]!,
      to: run.stops[opts.to ?? 3]!,
      classCode: opts.classCode ?? 'SL',
      passengers: Array.from({ length: party }, (_, i) => ({ name: `P${i + 1}`, age: 30 + i })),
      idempotencyKey: key('request'),
    });
  const pay = (who: UserActor, b: BookingView) =>
    engine.pay(who, { bookingId: b.id, idempotencyKey: key('pay') });
  const cancel = (who: UserActor, b: BookingView) =>
    engine.cancel(who, { bookingId: b.id, idempotencyKey: key('cancel') });
  /** A paid request: its booking as the owner sees it after payment. */
  const paidRequest = async (run: TestRun, party = 1, opts = {}) => {
    const who = user();
    const placed = await request(who, run, party, opts);
    return { who, booking: await pay(who, placed) };
  };
  const view = async (who: UserActor, b: BookingView) =>
    (await engine.myBookings(who)).find((x) => x.id === b.id)!;

  it('sells whole berths, then RAC halves, then waitlist places; payment numbers them', async () => {
    const run = await train(3, 1); // two whole berths, one RAC berth (two halves)
    const berth1 = await paidRequest(run);
    const berth2 = await paidRequest(run);
    expect([berth1.booking.status, berth2.booking.status]).toEqual(['confirmed', 'confirmed']);
    expect(berth1.booking.passengers[0]!.standing).toMatch(/^CNF S1\/\d+ /);

    const rac1 = await paidRequest(run);
    const rac2 = await paidRequest(run);
    expect([rac1.booking.status, rac2.booking.status]).toEqual(['rac', 'rac']);
    expect(rac1.booking.place).toBe('rac');
    expect(rac1.booking.passengers[0]!.standing).toBe('RAC 1');
    expect(rac2.booking.passengers[0]!.standing).toBe('RAC 2');
    // Both halves are on the one RAC berth.
    expect(rac1.booking.seats[0]!.seatId).toBe(run.seats.SL!.at(-1));
    expect(rac2.booking.seats[0]!.seatId).toBe(run.seats.SL!.at(-1));

    const wl = await paidRequest(run, 2);
    expect(wl.booking.status).toBe('waitlisted');
    expect(wl.booking.seats).toEqual([]);
    expect(wl.booking.passengers.map((p) => p.standing)).toEqual(['WL 1', 'WL 2']);
    const status = await engine.pnrStatus(wl.booking.pnr);
    expect(status.passengers).toEqual(['WL 1', 'WL 2']);
    await db.assertIntegrity();
  });

  it('search counts a class as AVAILABLE, then RAC, then WL, for the segment', async () => {
    const run = await train(2, 1);
    const date = localDate(new Date(run.departsAt.getTime() + 60_000));
    const sl = async () => {
      const results = await engine.search({ from: run.stops[0], to: run.stops[3], date });
      const c = results
        .find((r) => r.runId === run.runId)!
        .classes.find((k) => k.classCode === 'SL')!;
      return availabilityLabel(c);
    };
    expect(await sl()).toBe('AVAILABLE 1'); // the RAC berth is not for holds
    await paidRequest(run);
    expect(await sl()).toBe('RAC 1');
    await paidRequest(run);
    await paidRequest(run);
    expect(await sl()).toBe('WL 1');
    await paidRequest(run, 2);
    expect(await sl()).toBe('WL 3');
  });

  it('an unpaid waitlist place takes no number and is given up when it lapses', async () => {
    const run = await train(1, 0);
    await paidRequest(run);
    const who = user();
    const place = await request(who, run);
    expect(place).toMatchObject({ status: 'held', place: 'waitlist', seats: [] });
    expect(place.passengers[0]!.standing).toBe('HELD WL');
    await engine.release(who, { bookingId: place.id });
    expect((await view(who, place)).status).toBe('released');
    await db.assertIntegrity();
  });

  it('a RAC berth is never held whole, and a queued class refuses holds on its segment', async () => {
    const run = await train(3, 1);
    const rac = run.seats.SL!.at(-1)!;
    await expect(engine.hold(user(), holdInput(run, [rac]))).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await paidRequest(run);
    await paidRequest(run);
    await paidRequest(run); // RAC: somebody now waits on 0 -> 3
    const late = user();
    await expect(
      engine.hold(late, holdInput(run, [run.seats.SL![0]!], 1, 2)),
    ).rejects.toMatchObject({ code: 'WAITLIST_OPEN' });
    // Chair cars have no queue here: holds go on.
    await expect(engine.hold(late, holdInput(run, [run.seats.CC![0]!]))).resolves.toMatchObject({
      status: 'held',
    });
    await db.assertIntegrity();
  });

  it('the statement-by-statement hold refuses WAITLIST_OPEN as the hold function does', async () => {
    // Lapsed holds on the seats, or a key another attempt claimed, send a hold down holdTx
    // instead of berth_hold: it checks the queue in its transaction too.
    const stepwise = await db.engine({
      config: { GATEWAY_LATENCY_MS: 0 },
      hooks: { stepwiseHolds: true },
    });
    const run = await train(2, 1);
    await paidRequest(run);
    await paidRequest(run); // RAC: the class has a queue on 0 -> 3
    await expect(
      stepwise.hold(user(), holdInput(run, [run.seats.SL![0]!], 0, 1)),
    ).rejects.toMatchObject({ code: 'WAITLIST_OPEN', details: { classCode: 'SL' } });
    await db.assertIntegrity();
  });

  it('a full waitlist refuses the party WAITLIST_FULL and takes nothing', async () => {
    const run = await train(1, 0);
    await paidRequest(run);
    for (let i = 0; i < 6; i++) await paidRequest(run, 6); // 36 of the limit's 40
    await paidRequest(run, 4);
    const before = await db.pool.query(
      `select count(*)::int as n from bookings where run_id = $1`,
      [run.runId],
    );
    await expect(request(user(), run)).rejects.toMatchObject({
      code: 'WAITLIST_FULL',
      details: { waitlistLimit: 40 },
    });
    const after = await db.pool.query(`select count(*)::int as n from bookings where run_id = $1`, [
      run.runId,
    ]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    await db.assertIntegrity();
  });

  it('a cancellation promotes live: RAC to the freed berth, the first waitlisted to the RAC half', async () => {
    const run = await train(3, 1);
    const berth = await paidRequest(run);
    await paidRequest(run);
    const rac1 = await paidRequest(run);
    const rac2 = await paidRequest(run);
    const wl1 = await paidRequest(run);
    const wl2 = await paidRequest(run);
    expect(wl2.booking.passengers[0]!.standing).toBe('WL 2');
    const [before] = (
      await db.pool.query<{ id: string }>(`select coalesce(max(id), 0) as id from outbox`)
    ).rows;

    await cancel(berth.who, berth.booking);
    const promoted = await view(rac1.who, rac1.booking);
    expect(promoted.status).toBe('confirmed');
    expect(promoted.seats[0]!.seatId).toBe(berth.booking.seats[0]!.seatId);
    expect((await view(rac2.who, rac2.booking)).passengers[0]!.standing).toBe('RAC 1');
    const wlPromoted = await view(wl1.who, wl1.booking);
    expect(wlPromoted.status).toBe('rac');
    expect(wlPromoted.passengers[0]!.standing).toBe('RAC 2');
    expect(wlPromoted.seats[0]!.seatId).toBe(run.seats.SL!.at(-1));
    // The one behind moved up without a write of its own.
    expect((await view(wl2.who, wl2.booking)).passengers[0]!.standing).toBe('WL 1');

    const pushes = await db.pool.query<{ payload: { bookingId: number; status: string } }>(
      `select payload from outbox where event = 'booking:updated' and (payload ->> 'bookingId')::bigint = any($1)
        order by id`,
      [[rac1.booking.id, wl1.booking.id]],
    );
    expect(pushes.rows.map((r) => r.payload.status)).toEqual(
      expect.arrayContaining(['confirmed', 'rac']),
    );
    // Those behind are told too, though nothing of theirs was written: their numbers moved.
    for (const behind of [rac2, wl2]) {
      const told = await db.pool.query<{ payload: { status: string } }>(
        `select payload from outbox where event = 'booking:updated' and room = $1
            and (payload ->> 'bookingId')::bigint = $2 and id > $3`,
        [`user:${behind.who.userId}`, behind.booking.id, before!.id],
      );
      expect(told.rows.map((r) => r.payload.status)).toContain(behind.booking.status);
    }
    // Every watcher of the run is told the class's queue moved.
    const queued = await db.pool.query(
      `select 1 from outbox where event = 'queue:changed' and room = $1
          and payload = jsonb_build_object('runId', $2::int, 'classCode', 'SL')`,
      [`run:${run.runId}`, run.runId],
    );
    expect(queued.rowCount).toBeGreaterThan(0);
    await db.assertIntegrity();
  });

  it('a party is promoted only whole: a later party that fits goes first', async () => {
    const run = await train(2, 0); // chair-car-like: no RAC berths in this SL class
    const a = await paidRequest(run);
    await paidRequest(run);
    const pair = await paidRequest(run, 2);
    const single = await paidRequest(run);
    expect([pair.booking.status, single.booking.status]).toEqual(['waitlisted', 'waitlisted']);

    await cancel(a.who, a.booking);
    expect((await view(pair.who, pair.booking)).status).toBe('waitlisted');
    expect((await view(single.who, single.booking)).status).toBe('confirmed');
    expect((await view(pair.who, pair.booking)).passengers.map((p) => p.standing)).toEqual([
      'WL 1',
      'WL 2',
    ]);
    await db.assertIntegrity();
  });

  it('a chair car promotes from the waitlist straight to a seat', async () => {
    const run = await train(2, 0);
    const first = await paidRequest(run, 1, { classCode: 'CC' });
    const rest = [];
    rest.push(await paidRequest(run, 1, { classCode: 'CC' })); // the class's second seat
    const waiting = await paidRequest(run, 1, { classCode: 'CC' });
    expect(waiting.booking.status).toBe('waitlisted');
    await cancel(first.who, first.booking);
    expect((await view(waiting.who, waiting.booking)).status).toBe('confirmed');
    await db.assertIntegrity();
  });

  it('a cancelled RAC or waitlisted booking is refunded', async () => {
    const run = await train(1, 1);
    await paidRequest(run);
    const rac = await paidRequest(run);
    await paidRequest(run); // the other half
    const wl = await paidRequest(run);
    expect([rac.booking.status, wl.booking.status]).toEqual(['rac', 'waitlisted']);
    const racCancelled = await cancel(rac.who, rac.booking);
    const wlCancelled = await cancel(wl.who, wl.booking);
    for (const c of [racCancelled, wlCancelled]) {
      expect(c.status).toBe('cancelled');
      expect(c.refund).toMatchObject({ status: 'succeeded', amountPaise: c.farePaise });
    }
    await db.assertIntegrity();
  });

  it('concurrent cancellations never promote a booking twice nor over-promote, and never deadlock', async () => {
    const run = await train(12, 2);
    const sold = [];
    for (let i = 0; i < 10; i++) sold.push(await paidRequest(run));
    const queued = [];
    for (let i = 0; i < 4; i++) queued.push(await paidRequest(run)); // RAC 1-4
    for (let i = 0; i < 10; i++) queued.push(await paidRequest(run)); // WL 1-10
    const deadlocksBefore = await deadlocks(db);

    const results = await outcomes(sold.map((s) => cancel(s.who, s.booking)));
    expect(results).toEqual(sold.map(() => 'OK'));
    await engine.promoteWaiting(); // whatever a busy seat made a promotion skip

    const statuses = await Promise.all(queued.map((q) => view(q.who, q.booking)));
    const count = (s: string) => statuses.filter((v) => v.status === s).length;
    // Ten berths came free: the four RAC and six waitlisted move to berths; the last four
    // waitlisted take the RAC halves.
    expect([count('confirmed'), count('rac'), count('waitlisted')]).toEqual([10, 4, 0]);
    const promotions = await db.pool.query<{ booking_id: string; n: number }>(
      `select booking_id, count(*)::int as n from audit_log where action = 'PROMOTE'
        group by booking_id having count(*) > 2`,
    );
    expect(promotions.rows).toEqual([]);
    expect(await deadlocks(db)).toBe(deadlocksBefore);
    await db.assertIntegrity();
  });

  /** Lets these holds lapse now: their seats are free, and nobody was told (no promotion ran). */
  const lapse = (ids: number[]) =>
    db.pool.query(
      `update bookings set expires_at = now() - interval '1 second',
                           hold_until = now() - interval '1 second' where id = any($1)`,
      [ids],
    );

  it('a request serves those already waiting first: a berth freed without promotion is theirs', async () => {
    const run = await train(2, 0);
    const lapsing = await engine.hold(user(), holdInput(run, [run.seats.SL![0]!]));
    await paidRequest(run); // the other berth
    const waiting = await paidRequest(run);
    expect(waiting.booking.status).toBe('waitlisted');
    await lapse([lapsing.id]); // free now, but only the promotion job would have noticed

    const late = user();
    const newcomer = await request(late, run);
    expect(newcomer.place).toBe('waitlist');
    const promoted = await view(waiting.who, waiting.booking);
    expect(promoted.status).toBe('confirmed');
    expect(promoted.seats.map((x) => x.seatId)).toEqual([run.seats.SL![0]]);
    await db.assertIntegrity();
  });

  it('concurrent requests on a class with a queue serve the queue first, in order, without deadlocks', async () => {
    // Eight berths: four held and let lapse without a word (as a crashed node would), four
    // sold; four paid parties wait. Then twelve newcomers ask at once, with the promotion job.
    const run = await train(8, 0);
    const lapsing = [];
    for (let i = 0; i < 4; i++) {
      lapsing.push(await engine.hold(user(), holdInput(run, [run.seats.SL![i]!])));
    }
    for (let i = 0; i < 4; i++) await paidRequest(run);
    const queued = [];
    for (let i = 0; i < 4; i++) queued.push(await paidRequest(run));
    expect(queued.map((q) => q.booking.status)).toEqual(queued.map(() => 'waitlisted'));
    await lapse(lapsing.map((h) => h.id));
    const deadlocksBefore = await deadlocks(db);

    const newcomers = Array.from({ length: 12 }, () => user());
    const results = await outcomes([
      ...newcomers.map((who) => request(who, run)),
      engine.promoteWaiting(),
      engine.promoteWaiting(),
    ]);
    expect(results).toEqual(results.map(() => 'OK'));
    // The four who waited have the four berths; every newcomer is behind them.
    const statuses = await Promise.all(queued.map((q) => view(q.who, q.booking)));
    expect(statuses.map((v) => v.status)).toEqual(queued.map(() => 'confirmed'));
    const mine = await Promise.all(
      newcomers.map(async (who) =>
        (await engine.myBookings(who)).find((b) => b.runId === run.runId)!,
      ),
    );
    expect(mine.map((b) => b.place)).toEqual(newcomers.map(() => 'waitlist'));
    expect(await deadlocks(db)).toBe(deadlocksBefore);
    await db.assertIntegrity();
  });

  it('once quiet, no paid party waits while a berth that fits it is free', async () => {
    const run = await train(6, 0);
    const sold = [];
    for (let i = 0; i < 6; i++) sold.push(await paidRequest(run));
    const waiting = [];
    for (let i = 0; i < 5; i++) waiting.push(await paidRequest(run, 1 + (i % 2)));
    // Seats freed by an expiry or a change that saw no queue: the promotion job serves them.
    await db.pool.query(`update booking_seats set active = false where booking_id = any($1)`, [
      sold.slice(0, 3).map((s) => s.booking.id),
    ]);
    await db.pool.query(`update bookings set status = 'cancelled' where id = any($1)`, [
      sold.slice(0, 3).map((s) => s.booking.id),
    ]);
    await engine.promoteWaiting();
    const free = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from seats s where s.run_id = $1 and s.class_code = 'SL'
          and not exists (select 1 from booking_seats bs where bs.seat_id = s.id and bs.active)`,
      [run.runId],
    );
    const stillWaiting = await db.pool.query<{ party: number }>(
      `select (select count(*)::int from booking_passengers p where p.booking_id = b.id) as party
         from bookings b where b.run_id = $1 and b.status = 'waitlisted'`,
      [run.runId],
    );
    for (const w of stillWaiting.rows) expect(w.party).toBeGreaterThan(free.rows[0]!.n);
  });
});
