import { describe, expect, it } from 'vitest';
import { availabilityLabel } from '@berth/shared';
import type { Engine } from '../src/engine.ts';
import { localDate } from './support/fixtures.ts';
import { useWaitlistWorld } from './support/waitlist-world.ts';

/**
 * Chart preparation, against a real PostgreSQL: CHART_MINUTES_BEFORE a train leaves a
 * passenger's boarding station, a booking still waitlisted is cancelled and refunded in full,
 * RAC passengers travel, and no new waitlist place is sold. The test's trains leave in a day, so
 * a second engine whose chart comes 25 hours ahead plays the hour of the chart.
 */
describe('RAC and the waitlist: the chart', () => {
  const w = useWaitlistWorld({ REFUND_PERCENT: 75 });
  let charting: Engine;
  const chartEngine = async () =>
    (charting ??= await w.db.engine({
      config: { GATEWAY_LATENCY_MS: 0, CHART_MINUTES_BEFORE: 25 * 60, REFUND_PERCENT: 75 },
    }));

  it('cancels and fully refunds the waitlisted, lets RAC travel, and closes the waitlist', async () => {
    const run = await w.train(3, 1);
    const berths = [await w.paidRequest(run), await w.paidRequest(run)];
    const rac = [await w.paidRequest(run), await w.paidRequest(run)];
    const waiting = [await w.paidRequest(run, 2), await w.paidRequest(run)];
    expect(waiting.map((x) => x.booking.status)).toEqual(['waitlisted', 'waitlisted']);

    const engine = await chartEngine();
    expect(await engine.prepareCharts()).toBe(2);
    for (const x of waiting) {
      const after = await w.view(x.who, x.booking);
      expect(after.status).toBe('cancelled');
      // In full, whatever a passenger's own cancellation would refund (75% here).
      expect(after.refund).toEqual({
        status: 'succeeded',
        amountPaise: x.booking.farePaise,
        reason: 'charting',
      });
    }
    for (const x of [...berths, ...rac]) {
      expect((await w.view(x.who, x.booking)).status).toBe(x.booking.status);
    }
    const audited = await w.db.pool.query<{ actor: string; after: { reason: string } }>(
      `select actor, after from audit_log where action = 'CANCEL' and booking_id = any($1)`,
      [waiting.map((x) => x.booking.id)],
    );
    expect(audited.rows.map((r) => [r.actor, r.after.reason])).toEqual([
      ['SYSTEM', 'charting'],
      ['SYSTEM', 'charting'],
    ]);

    // A full class whose chart is prepared sells no waitlist place; nothing is taken.
    await expect(engine.requestPlaces(w.user(), requestFor(run))).rejects.toMatchObject({
      code: 'WAITLIST_CLOSED',
      details: { chartedAt: expect.any(String) },
    });
    // Search says so before anyone asks: nothing left to sell.
    const date = localDate(new Date(run.departsAt.getTime() + 60_000));
    const results = await engine.search({ from: run.stops[0], to: run.stops[3], date });
    const sl = results
      .find((r) => r.runId === run.runId)!
      .classes.find((c) => c.classCode === 'SL')!;
    expect(sl.waitlistOpen).toBe(false);
    expect(availabilityLabel(sl)).toBe('REGRET');
    // Charting again finds nothing more to do.
    expect(await engine.prepareCharts()).toBe(0);
    await w.db.assertIntegrity();
  });

  it('leaves a booking alone whose chart is not due, and one promoted meanwhile', async () => {
    const run = await w.train(1, 0);
    const sold = await w.paidRequest(run);
    const waiting = await w.paidRequest(run);
    // Not due for the usual engine: its chart comes 4 hours before, the train leaves in 24.
    expect(await w.engine.prepareCharts()).toBe(0);
    await w.cancel(sold.who, sold.booking); // the waitlisted party is promoted
    expect(await (await chartEngine()).prepareCharts()).toBe(0);
    expect((await w.view(waiting.who, waiting.booking)).status).toBe('confirmed');
    await w.db.assertIntegrity();
  });

  const requestFor = (run: Awaited<ReturnType<typeof w.train>>) => ({
    runId: run.runId,
    from: run.stops[0]!,
    to: run.stops[3]!,
    classCode: 'SL',
    passengers: [{ name: 'Late', age: 30 }],
    idempotencyKey: `late-${Math.random()}`,
  });
});
