import type { BookingView, RunSnapshot, SeatMap, SeatsChanged } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, key, type TestRun } from '../support/fixtures.ts';
import { must, socketTracker, waitFor } from '../support/live.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** A seat sold on part of the route tells a viewer of a longer journey where it is still free. */
describe(`snapshots carry the spans of seats taken on part of the segment (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);
  const open = (token?: string) => sockets.open(token);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { GATEWAY_LATENCY_MS: 5 } });
    run = await createTestRun(db.pool, { stops: 6, seatsPerClass: 8 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  /** The seat as the watch ack and the HTTP seat map each show it, for stops `from` -> `to`. */
  const views = async (seatId: number, from: number, to: number) => {
    const ack = await must<RunSnapshot>(await open(), 'run:watch', {
      runId: run.runId,
      from: run.stops[from],
      to: run.stops[to],
    });
    const res = await http(
      node,
      'GET',
      `/api/runs/${run.runId}/seats?from=${run.stops[from]}&to=${run.stops[to]}`,
    );
    const page = res.body.data as SeatMap;
    return [ack, page].map((map) => map.seats.find((s) => s.seatId === seatId)!);
  };

  it('a seat booked on the first stretch carries its spans, the same the next delta says', async () => {
    const seat = run.seats.SL![3]!;
    const first = await open((await signUp(node)).accessToken);
    const sold = await must<BookingView>(first, 'hold:create', holdInput(run, [seat], 0, 2));
    await must(first, 'booking:pay', { bookingId: sold.id, idempotencyKey: key('pay') });

    // Watching the whole route: booked, and free from stop 2 on.
    const before = await views(seat, 0, 5);
    for (const view of before) {
      expect(view).toMatchObject({
        state: 'booked',
        occupancy: [{ from: 0, to: 2, state: 'booked' }],
      });
    }

    // A watcher of the whole route gets the next change to the seat as a delta...
    const watcher = await open();
    const deltas: SeatsChanged['seats'] = [];
    watcher.on('seats:changed', (batch) => {
      if (batch.runId === run.runId) deltas.push(...batch.seats.filter((d) => d.seatId === seat));
    });
    await must(watcher, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[5] });
    const second = await open((await signUp(node)).accessToken);
    await must(second, 'hold:create', holdInput(run, [seat], 3, 4));
    // Newer than the snapshot: the payment's own delta may still be on its way.
    const next = () => deltas.find((d) => d.version > before[0]!.version);
    await waitFor(() => next() !== undefined, 5000, 'the delta');
    const delta = next()!;
    const byStop = (a: { from: number }, b: { from: number }) => a.from - b.from;
    expect([...delta.occupancy].sort(byStop)).toEqual([
      { from: 0, to: 2, state: 'booked' },
      { from: 3, to: 4, state: 'held' },
    ]);
    // ...and a snapshot taken now says what that delta says.
    for (const view of await views(seat, 0, 5)) {
      expect(view.version).toBe(delta.version);
      expect([...(view.occupancy ?? [])].sort(byStop)).toEqual([...delta.occupancy].sort(byStop));
    }
  });

  it('a viewer gets only the spans on its own journey, and none when they add nothing', async () => {
    const [seat, whole] = [run.seats.CC![1]!, run.seats.CC![2]!];
    // Fresh passengers: one may not hold two journeys that overlap.
    const passenger = async () => open((await signUp(node)).accessToken);
    await must(await passenger(), 'hold:create', holdInput(run, [seat], 0, 1));
    await must(await passenger(), 'hold:create', holdInput(run, [seat], 3, 5));
    await must(await passenger(), 'hold:create', holdInput(run, [whole], 0, 5));

    // Stops 2 -> 5 see the second hold only: held, free until stop 3.
    for (const view of await views(seat, 2, 5)) {
      expect(view).toMatchObject({ state: 'held', occupancy: [{ from: 3, to: 5, state: 'held' }] });
    }
    // Stops 1 -> 3 touch neither hold: a free seat, no spans to carry.
    for (const view of await views(seat, 1, 3)) {
      expect(view.state).toBe('free');
      expect(view.occupancy).toBeUndefined();
    }
    // Held all the way: the state says it all.
    for (const view of await views(whole, 1, 4)) {
      expect(view.state).toBe('held');
      expect(view.occupancy).toBeUndefined();
    }
  });

  it('names every stop of the segment, so a client can say where a seat is free', async () => {
    const ack = await must<RunSnapshot>(await open(), 'run:watch', {
      runId: run.runId,
      from: run.stops[1],
      to: run.stops[4],
    });
    expect(ack.stops.map((s) => [s.seq, s.code, s.name])).toEqual(
      [1, 2, 3, 4].map((seq) => [seq, run.stops[seq], `Station ${run.stops[seq]}`]),
    );
    // Times follow the route: each stop is left after the one before it.
    const times = ack.stops.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(ack.stops[0]!.at).toBe(ack.from.at);
    expect(ack.stops.at(-1)!.at).toBe(ack.to.at);
  });
});
