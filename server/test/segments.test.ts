import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUsers,
  holdInput,
  localDate,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

describe('segments of one seat', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { stops: 5, seatsPerClass: 6 });
    users = await createUsers(db.pool, 4);
  });
  afterAll(() => db.close());

  it('0->2 and 2->4 share a seat; 0->3 conflicts with either', async () => {
    const seat = run.seats.SL![0]!;
    const first = await engine.hold(users[0]!, holdInput(run, [seat], 0, 2));
    const second = await engine.hold(users[1]!, holdInput(run, [seat], 2, 4));
    expect([first.status, second.status]).toEqual(['held', 'held']);
    expect(await outcomes([engine.hold(users[2]!, holdInput(run, [seat], 0, 3))])).toEqual([
      'SEAT_TAKEN',
    ]);
    expect(await outcomes([engine.hold(users[2]!, holdInput(run, [seat], 1, 3))])).toEqual([
      'SEAT_TAKEN',
    ]);
    // Once the first passenger lets go, 0->3 still crosses the second's 2->4.
    await engine.release(users[0]!, { bookingId: first.id });
    expect(await outcomes([engine.hold(users[2]!, holdInput(run, [seat], 0, 3))])).toEqual([
      'SEAT_TAKEN',
    ]);
    const third = await engine.hold(users[2]!, holdInput(run, [seat], 0, 2));
    expect(third.status).toBe('held');
    await db.assertIntegrity();
  });

  it('seat maps and search free counts agree for every segment', async () => {
    // A mix of holds and a paid booking on several seats and segments.
    const sl = run.seats.SL!;
    const paid = await engine.hold(users[3]!, holdInput(run, [sl[1]!, sl[2]!], 1, 3));
    await engine.pay(users[3]!, { bookingId: paid.id, idempotencyKey: 'pay-segments-1' });
    const stops = run.stops;
    for (let from = 0; from < stops.length; from++) {
      for (let to = from + 1; to < stops.length; to++) {
        const map = await engine.seatMap(null, {
          runId: run.runId,
          from: stops[from],
          to: stops[to],
        });
        const results = await engine.search({
          from: stops[from],
          to: stops[to],
          date: localDate(new Date(run.departsAt.getTime() + (from * 60 + 5) * 60_000)),
        });
        const result = results.find((r) => r.runId === run.runId);
        expect(result, `search ${from}->${to}`).toBeDefined();
        for (const cls of result!.classes) {
          const seats = map.seats.filter((s) => s.classCode === cls.classCode);
          expect(cls.capacity).toBe(seats.length);
          expect(cls.free, `${cls.classCode} ${from}->${to}`).toBe(
            seats.filter((s) => s.state === 'free').length,
          );
        }
        // And the map agrees with the occupancy rule itself.
        // Seat 0 is held 0->2 and 2->4 by two passengers: taken on every segment.
        expect(map.seats.find((s) => s.seatId === sl[0])!.state).toBe('held');
        const seat1 = map.seats.find((s) => s.seatId === sl[1])!;
        expect(seat1.state).toBe(from < 3 && to > 1 ? 'booked' : 'free');
      }
    }
    // The owner sees their own seats as "yours".
    const mine = await engine.seatMap(users[3]!.userId, {
      runId: run.runId,
      from: stops[1],
      to: stops[3],
    });
    expect(mine.seats.filter((s) => s.state === 'yours').map((s) => s.seatId)).toEqual([
      sl[1],
      sl[2],
    ]);
    await db.assertIntegrity();
  });
});
