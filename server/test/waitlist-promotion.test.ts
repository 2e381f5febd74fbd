import { describe, expect, it } from 'vitest';
import { deadlocks } from './support/deadlocks.ts';
import { holdInput, outcomes } from './support/fixtures.ts';
import { useWaitlistWorld } from './support/waitlist-world.ts';

/**
 * Promotion, against a real PostgreSQL and real concurrency: a cancellation promotes in order,
 * matching party size, in the transaction that freed the seats; requests, the sweeper and the
 * promotion job serve whoever already waits; concurrent changes never promote twice or deadlock.
 */
describe('RAC and the waitlist: promotion', () => {
  const w = useWaitlistWorld({}, 160);

  it('a cancellation promotes live: RAC to the freed berth, the first waitlisted to the RAC half', async () => {
    const run = await w.train(3, 1);
    const berth = await w.paidRequest(run);
    await w.paidRequest(run);
    const rac1 = await w.paidRequest(run);
    const rac2 = await w.paidRequest(run);
    const wl1 = await w.paidRequest(run);
    const wl2 = await w.paidRequest(run);
    expect(wl2.booking.passengers[0]!.standing).toBe('WL 2');
    const [before] = (
      await w.db.pool.query<{ id: string }>(`select coalesce(max(id), 0) as id from outbox`)
    ).rows;

    await w.cancel(berth.who, berth.booking);
    const promoted = await w.view(rac1.who, rac1.booking);
    expect(promoted.status).toBe('confirmed');
    expect(promoted.seats[0]!.seatId).toBe(berth.booking.seats[0]!.seatId);
    expect((await w.view(rac2.who, rac2.booking)).passengers[0]!.standing).toBe('RAC 1');
    const wlPromoted = await w.view(wl1.who, wl1.booking);
    expect(wlPromoted.status).toBe('rac');
    expect(wlPromoted.passengers[0]!.standing).toBe('RAC 2');
    expect(wlPromoted.seats[0]!.seatId).toBe(run.seats.SL!.at(-1));
    // The one behind moved up without a write of its own.
    expect((await w.view(wl2.who, wl2.booking)).passengers[0]!.standing).toBe('WL 1');

    const pushes = await w.db.pool.query<{ payload: { bookingId: number; status: string } }>(
      `select payload from outbox where event = 'booking:updated' and (payload ->> 'bookingId')::bigint = any($1)
        order by id`,
      [[rac1.booking.id, wl1.booking.id]],
    );
    expect(pushes.rows.map((r) => r.payload.status)).toEqual(
      expect.arrayContaining(['confirmed', 'rac']),
    );
    // The promoted are told it was a promotion; those who only moved up a number are not.
    const promotedPushes = pushes.rows.filter((r) => 'promoted' in r.payload);
    expect(promotedPushes.map((r) => r.payload.bookingId).sort()).toEqual(
      [rac1.booking.id, wl1.booking.id].sort(),
    );
    // Those behind are told too, though nothing of theirs was written: their numbers moved.
    for (const behind of [rac2, wl2]) {
      const told = await w.db.pool.query<{ payload: { status: string } }>(
        `select payload from outbox where event = 'booking:updated' and room = $1
            and (payload ->> 'bookingId')::bigint = $2 and id > $3`,
        [`user:${behind.who.userId}`, behind.booking.id, before!.id],
      );
      expect(told.rows.map((r) => r.payload.status)).toContain(behind.booking.status);
    }
    // Every watcher of the run is told the class's queue moved.
    const queued = await w.db.pool.query(
      `select 1 from outbox where event = 'queue:changed' and room = $1
          and payload = jsonb_build_object('runId', $2::int, 'classCode', 'SL')`,
      [`run:${run.runId}`, run.runId],
    );
    expect(queued.rowCount).toBeGreaterThan(0);
    await w.db.assertIntegrity();
  });

  it('a party is promoted only whole: a later party that fits goes first', async () => {
    const run = await w.train(2, 0); // chair-car-like: no RAC berths in this SL class
    const a = await w.paidRequest(run);
    await w.paidRequest(run);
    const pair = await w.paidRequest(run, 2);
    const single = await w.paidRequest(run);
    expect([pair.booking.status, single.booking.status]).toEqual(['waitlisted', 'waitlisted']);

    await w.cancel(a.who, a.booking);
    expect((await w.view(pair.who, pair.booking)).status).toBe('waitlisted');
    expect((await w.view(single.who, single.booking)).status).toBe('confirmed');
    expect((await w.view(pair.who, pair.booking)).passengers.map((p) => p.standing)).toEqual([
      'WL 1',
      'WL 2',
    ]);
    await w.db.assertIntegrity();
  });

  it('a chair car promotes from the waitlist straight to a seat', async () => {
    const run = await w.train(2, 0);
    const first = await w.paidRequest(run, 1, { classCode: 'CC' });
    const rest = [];
    rest.push(await w.paidRequest(run, 1, { classCode: 'CC' })); // the class's second seat
    const waiting = await w.paidRequest(run, 1, { classCode: 'CC' });
    expect(waiting.booking.status).toBe('waitlisted');
    await w.cancel(first.who, first.booking);
    expect((await w.view(waiting.who, waiting.booking)).status).toBe('confirmed');
    await w.db.assertIntegrity();
  });

  it('a cancelled RAC or waitlisted booking is refunded', async () => {
    const run = await w.train(1, 1);
    await w.paidRequest(run);
    const rac = await w.paidRequest(run);
    await w.paidRequest(run); // the other half
    const wl = await w.paidRequest(run);
    expect([rac.booking.status, wl.booking.status]).toEqual(['rac', 'waitlisted']);
    const racCancelled = await w.cancel(rac.who, rac.booking);
    const wlCancelled = await w.cancel(wl.who, wl.booking);
    for (const c of [racCancelled, wlCancelled]) {
      expect(c.status).toBe('cancelled');
      expect(c.refund).toMatchObject({ status: 'succeeded', amountPaise: c.farePaise });
    }
    await w.db.assertIntegrity();
  });

  it('concurrent cancellations never promote a booking twice nor over-promote, and never deadlock', async () => {
    const run = await w.train(12, 2);
    const sold = [];
    for (let i = 0; i < 10; i++) sold.push(await w.paidRequest(run));
    const queued = [];
    for (let i = 0; i < 4; i++) queued.push(await w.paidRequest(run)); // RAC 1-4
    for (let i = 0; i < 10; i++) queued.push(await w.paidRequest(run)); // WL 1-10
    const deadlocksBefore = await deadlocks(w.db);

    const results = await outcomes(sold.map((s) => w.cancel(s.who, s.booking)));
    expect(results).toEqual(sold.map(() => 'OK'));
    await w.engine.promoteWaiting(); // whatever a busy seat made a promotion skip

    const statuses = await Promise.all(queued.map((q) => w.view(q.who, q.booking)));
    const count = (s: string) => statuses.filter((v) => v.status === s).length;
    // Ten berths came free: the four RAC and six waitlisted move to berths; the last four
    // waitlisted take the RAC halves.
    expect([count('confirmed'), count('rac'), count('waitlisted')]).toEqual([10, 4, 0]);
    const promotions = await w.db.pool.query<{ booking_id: string; n: number }>(
      `select booking_id, count(*)::int as n from audit_log where action = 'PROMOTE'
        group by booking_id having count(*) > 2`,
    );
    expect(promotions.rows).toEqual([]);
    expect(await deadlocks(w.db)).toBe(deadlocksBefore);
    await w.db.assertIntegrity();
  });

  it('a request serves those already waiting first: a berth freed without promotion is theirs', async () => {
    const run = await w.train(2, 0);
    const lapsing = await w.engine.hold(w.user(), holdInput(run, [run.seats.SL![0]!]));
    await w.paidRequest(run); // the other berth
    const waiting = await w.paidRequest(run);
    expect(waiting.booking.status).toBe('waitlisted');
    await w.lapse([lapsing.id]); // free now, but only the promotion job would have noticed

    const late = w.user();
    const newcomer = await w.request(late, run);
    expect(newcomer.place).toBe('waitlist');
    const promoted = await w.view(waiting.who, waiting.booking);
    expect(promoted.status).toBe('confirmed');
    expect(promoted.seats.map((x) => x.seatId)).toEqual([run.seats.SL![0]]);
    await w.db.assertIntegrity();
  });

  it('the sweeper promotes into what it frees, without waiting for the promotion job', async () => {
    const run = await w.train(2, 0);
    const lapsing = await w.engine.hold(w.user(), holdInput(run, [run.seats.SL![0]!]));
    await w.paidRequest(run);
    const waiting = await w.paidRequest(run);
    await w.lapse([lapsing.id]);
    while ((await w.engine.sweep()) > 0); // this test's lapsed hold, and any other
    const promoted = await w.view(waiting.who, waiting.booking);
    expect(promoted.status).toBe('confirmed');
    expect(promoted.seats.map((x) => x.seatId)).toEqual([run.seats.SL![0]]);
    await w.db.assertIntegrity();
  });

  it('concurrent requests on a class with a queue serve the queue first, in order, without deadlocks', async () => {
    // Eight berths: four held and let lapse without a word (as a crashed node would), four
    // sold; four paid parties wait. Then twelve newcomers ask at once, with the promotion job.
    const run = await w.train(8, 0);
    const lapsing = [];
    for (let i = 0; i < 4; i++) {
      lapsing.push(await w.engine.hold(w.user(), holdInput(run, [run.seats.SL![i]!])));
    }
    for (let i = 0; i < 4; i++) await w.paidRequest(run);
    const queued = [];
    for (let i = 0; i < 4; i++) queued.push(await w.paidRequest(run));
    expect(queued.map((q) => q.booking.status)).toEqual(queued.map(() => 'waitlisted'));
    await w.lapse(lapsing.map((h) => h.id));
    const deadlocksBefore = await deadlocks(w.db);

    const newcomers = Array.from({ length: 12 }, () => w.user());
    const results = await outcomes([
      ...newcomers.map((who) => w.request(who, run)),
      w.engine.promoteWaiting(),
      w.engine.promoteWaiting(),
    ]);
    expect(results).toEqual(results.map(() => 'OK'));
    // The four who waited have the four berths; every newcomer is behind them.
    const statuses = await Promise.all(queued.map((q) => w.view(q.who, q.booking)));
    expect(statuses.map((v) => v.status)).toEqual(queued.map(() => 'confirmed'));
    const mine = await Promise.all(
      newcomers.map(async (who) =>
        (await w.engine.myBookings(who)).find((b) => b.runId === run.runId)!,
      ),
    );
    expect(mine.map((b) => b.place)).toEqual(newcomers.map(() => 'waitlist'));
    expect(await deadlocks(w.db)).toBe(deadlocksBefore);
    await w.db.assertIntegrity();
  });

  it('once quiet, no paid party waits while a berth that fits it is free', async () => {
    const run = await w.train(6, 0);
    const sold = [];
    for (let i = 0; i < 6; i++) sold.push(await w.paidRequest(run));
    const waiting = [];
    for (let i = 0; i < 5; i++) waiting.push(await w.paidRequest(run, 1 + (i % 2)));
    // Seats freed by an expiry or a change that saw no queue: the promotion job serves them.
    await w.db.pool.query(`update booking_seats set active = false where booking_id = any($1)`, [
      sold.slice(0, 3).map((s) => s.booking.id),
    ]);
    await w.db.pool.query(`update bookings set status = 'cancelled' where id = any($1)`, [
      sold.slice(0, 3).map((s) => s.booking.id),
    ]);
    await w.engine.promoteWaiting();
    const free = await w.db.pool.query<{ n: number }>(
      `select count(*)::int as n from seats s where s.run_id = $1 and s.class_code = 'SL'
          and not exists (select 1 from booking_seats bs where bs.seat_id = s.id and bs.active)`,
      [run.runId],
    );
    const stillWaiting = await w.db.pool.query<{ party: number }>(
      `select (select count(*)::int from booking_passengers p where p.booking_id = b.id) as party
         from bookings b where b.run_id = $1 and b.status = 'waitlisted'`,
      [run.runId],
    );
    for (const w of stillWaiting.rows) expect(w.party).toBeGreaterThan(free.rows[0]!.n);
  });
});
