import { describe, expect, it } from 'vitest';
import { availabilityLabel } from '@berth/shared';
import { createUser, holdInput, localDate } from './support/fixtures.ts';
import { useWaitlistWorld } from './support/waitlist-world.ts';

/**
 * RAC and the waitlist, against a real PostgreSQL: `booking:request` takes whole berths, then
 * RAC halves, then waitlist places; payment queues them and numbers them; a class with a queue
 * refuses holds, and a full waitlist refuses requests. Promotion: waitlist-promotion.test.ts.
 */
describe('RAC and the waitlist: places and numbers', () => {
  const w = useWaitlistWorld({ WAITLIST_LIMIT: 40 });

  it('sells whole berths, then RAC halves, then waitlist places; payment numbers them', async () => {
    const run = await w.train(3, 1); // two whole berths, one RAC berth (two halves)
    const berth1 = await w.paidRequest(run);
    const berth2 = await w.paidRequest(run);
    expect([berth1.booking.status, berth2.booking.status]).toEqual(['confirmed', 'confirmed']);
    expect(berth1.booking.passengers[0]!.standing).toMatch(/^CNF S1\/\d+ /);

    const rac1 = await w.paidRequest(run);
    const rac2 = await w.paidRequest(run);
    expect([rac1.booking.status, rac2.booking.status]).toEqual(['rac', 'rac']);
    expect(rac1.booking.place).toBe('rac');
    expect(rac1.booking.passengers[0]!.standing).toBe('RAC 1');
    expect(rac2.booking.passengers[0]!.standing).toBe('RAC 2');
    // Both halves are on the one RAC berth.
    expect(rac1.booking.seats[0]!.seatId).toBe(run.seats.SL!.at(-1));
    expect(rac2.booking.seats[0]!.seatId).toBe(run.seats.SL!.at(-1));

    const wl = await w.paidRequest(run, 2);
    expect(wl.booking.status).toBe('waitlisted');
    expect(wl.booking.seats).toEqual([]);
    expect(wl.booking.passengers.map((p) => p.standing)).toEqual(['WL 1', 'WL 2']);
    const status = await w.engine.pnrStatus(wl.booking.pnr);
    expect(status.passengers).toEqual(['WL 1', 'WL 2']);
    await w.db.assertIntegrity();
  });

  it('search counts a class as AVAILABLE, then RAC, then WL, for the segment', async () => {
    const run = await w.train(2, 1);
    const date = localDate(new Date(run.departsAt.getTime() + 60_000));
    const sl = async () => {
      const results = await w.engine.search({ from: run.stops[0], to: run.stops[3], date });
      const c = results
        .find((r) => r.runId === run.runId)!
        .classes.find((k) => k.classCode === 'SL')!;
      return availabilityLabel(c);
    };
    expect(await sl()).toBe('AVAILABLE 1'); // the RAC berth is not for holds
    await w.paidRequest(run);
    expect(await sl()).toBe('RAC 1');
    await w.paidRequest(run);
    await w.paidRequest(run);
    expect(await sl()).toBe('WL 1');
    await w.paidRequest(run, 2);
    expect(await sl()).toBe('WL 3');
  });

  it('the admin occupancy view counts RAC berths as sold and lists RAC and waitlisted passengers', async () => {
    const run = await w.train(3, 1);
    await w.paidRequest(run);
    await w.paidRequest(run);
    await w.paidRequest(run);
    await w.paidRequest(run); // the two halves of the RAC berth
    await w.paidRequest(run, 3); // three on the waitlist
    const admin = await createUser(w.db.pool, 'admin');
    const day = localDate(run.departsAt);
    const rows = await w.engine.runOccupancy(admin, { from: day, to: day });
    const sl = rows.find((r) => r.runId === run.runId && r.classCode === 'SL')!;
    expect(sl).toMatchObject({
      capacity: 3,
      seatsSold: 3,
      racPassengers: 2,
      waitlistedPassengers: 3,
    });
    expect(sl.utilisation).toBeCloseTo(1);
  });

  it('a RAC or waitlisted booking is a journey: the same passenger cannot hold or ask again then', async () => {
    const run = await w.train(2, 1);
    await w.paidRequest(run);
    const rac = await w.paidRequest(run);
    await w.paidRequest(run);
    const waitlisted = await w.paidRequest(run);
    expect([rac.booking.status, waitlisted.booking.status]).toEqual(['rac', 'waitlisted']);
    for (const { who, booking } of [rac, waitlisted]) {
      // The chair car of the same train at the same time: free, and still refused.
      await expect(w.engine.hold(who, holdInput(run, [run.seats.CC![0]!]))).rejects.toMatchObject({
        code: 'JOURNEY_OVERLAP',
        details: { pnr: booking.pnr },
      });
      await expect(w.request(who, run, 1, { classCode: 'CC' })).rejects.toMatchObject({
        code: 'JOURNEY_OVERLAP',
        details: { pnr: booking.pnr },
      });
    }
  });

  it('an unpaid waitlist place takes no number and is given up when it lapses', async () => {
    const run = await w.train(1, 0);
    await w.paidRequest(run);
    const who = w.user();
    const place = await w.request(who, run);
    expect(place).toMatchObject({ status: 'held', place: 'waitlist', seats: [] });
    expect(place.passengers[0]!.standing).toBe('HELD WL');
    await w.engine.release(who, { bookingId: place.id });
    expect((await w.view(who, place)).status).toBe('released');
    await w.db.assertIntegrity();
  });

  it('a RAC berth is never held whole, and a queued class refuses holds on its segment', async () => {
    const run = await w.train(3, 1);
    const rac = run.seats.SL!.at(-1)!;
    await expect(w.engine.hold(w.user(), holdInput(run, [rac]))).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await w.paidRequest(run);
    await w.paidRequest(run);
    await w.paidRequest(run); // RAC: somebody now waits on 0 -> 3
    const late = w.user();
    await expect(
      w.engine.hold(late, holdInput(run, [run.seats.SL![0]!], 1, 2)),
    ).rejects.toMatchObject({ code: 'WAITLIST_OPEN' });
    // Chair cars have no queue here: holds go on.
    await expect(w.engine.hold(late, holdInput(run, [run.seats.CC![0]!]))).resolves.toMatchObject({
      status: 'held',
    });
    await w.db.assertIntegrity();
  });

  it('the statement-by-statement hold refuses WAITLIST_OPEN as the hold function does', async () => {
    // Lapsed holds on the seats, or a key another attempt claimed, send a hold down holdTx
    // instead of berth_hold: it checks the queue in its transaction too.
    const stepwise = await w.db.engine({
      config: { GATEWAY_LATENCY_MS: 0 },
      hooks: { stepwiseHolds: true },
    });
    const run = await w.train(2, 1);
    await w.paidRequest(run);
    await w.paidRequest(run); // RAC: the class has a queue on 0 -> 3
    await expect(
      stepwise.hold(w.user(), holdInput(run, [run.seats.SL![0]!], 0, 1)),
    ).rejects.toMatchObject({ code: 'WAITLIST_OPEN', details: { classCode: 'SL' } });
    await w.db.assertIntegrity();
  });

  it('a full waitlist refuses the party WAITLIST_CLOSED and takes nothing', async () => {
    const run = await w.train(1, 0);
    await w.paidRequest(run);
    for (let i = 0; i < 6; i++) await w.paidRequest(run, 6); // 36 of the limit's 40
    await w.paidRequest(run, 4);
    const before = await w.db.pool.query(
      `select count(*)::int as n from bookings where run_id = $1`,
      [run.runId],
    );
    await expect(w.request(w.user(), run)).rejects.toMatchObject({
      code: 'WAITLIST_CLOSED',
      details: { waitlistLimit: 40 },
    });
    const after = await w.db.pool.query(
      `select count(*)::int as n from bookings where run_id = $1`,
      [run.runId],
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
    await w.db.assertIntegrity();
  });
});
