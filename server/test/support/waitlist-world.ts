import { afterAll, beforeAll } from 'vitest';
import type { BookingView } from '@berth/shared';
import type { Config } from '../../src/config/env.ts';
import type { Engine, UserActor } from '../../src/engine.ts';
import { createTestDb, type TestDb } from './harness.ts';
import { createTestRun, createUsers, key, type TestRun } from './fixtures.ts';

/**
 * What every RAC and waitlist test file sets up: its own database and engine (the gateway
 * answers at once), a supply of fresh users, small trains, and the moves a passenger makes. Call
 * it at the top of a `describe`; the database is made before the file's tests and closed after.
 */
export function useWaitlistWorld(config: Partial<Config> = {}, userCount = 120) {
  let db: TestDb | undefined;
  let engine: Engine | undefined;
  let users: UserActor[] = [];
  let nextUser = 0;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { GATEWAY_LATENCY_MS: 0, ...config } });
    users = await createUsers(db.pool, userCount);
  });
  afterAll(() => db?.close());

  const world = {
    get db(): TestDb {
      if (!db) throw new Error('the waitlist world is not set up yet');
      return db;
    },
    get engine(): Engine {
      if (!engine) throw new Error('the waitlist world is not set up yet');
      return engine;
    },
    /** A user no other test of the file has used. */
    user(): UserActor {
      const next = users[nextUser++];
      if (!next) throw new Error(`more than ${userCount} users asked for: raise userCount`);
      return next;
    },
    /** A train of four stops whose SL class has `seats` berths, the last `rac` of them RAC berths. */
    train: (seats: number, rac: number) =>
      createTestRun(world.db.pool, { stops: 4, seatsPerClass: seats, racSeats: rac }),
    request: (
      who: UserActor,
      run: TestRun,
      party = 1,
      opts: { classCode?: string; from?: number; to?: number } = {},
    ) =>
      world.engine.requestPlaces(who, {
        runId: run.runId,
        from: run.stops[opts.from ?? 0]!,
        to: run.stops[opts.to ?? 3]!,
        classCode: opts.classCode ?? 'SL',
        passengers: Array.from({ length: party }, (_, i) => ({ name: `P${i + 1}`, age: 30 + i })),
        idempotencyKey: key('request'),
      }),
    pay: (who: UserActor, b: BookingView) =>
      world.engine.pay(who, { bookingId: b.id, idempotencyKey: key('pay') }),
    cancel: (who: UserActor, b: BookingView) =>
      world.engine.cancel(who, { bookingId: b.id, idempotencyKey: key('cancel') }),
    /** A paid request by a fresh user: who, and the booking as they see it after paying. */
    async paidRequest(
      run: TestRun,
      party = 1,
      opts: { classCode?: string; from?: number; to?: number } = {},
    ) {
      const who = world.user();
      const placed = await world.request(who, run, party, opts);
      return { who, booking: await world.pay(who, placed) };
    },
    /** The booking as its owner sees it now. */
    view: async (who: UserActor, b: BookingView) =>
      (await world.engine.myBookings(who)).find((x) => x.id === b.id)!,
    /** Lets these holds lapse now: their seats are free, and nobody was told (no promotion ran). */
    lapse: (ids: number[]) =>
      world.db.pool.query(
        `update bookings set expires_at = now() - interval '1 second',
                             hold_until = now() - interval '1 second' where id = any($1)`,
        [ids],
      ),
  };
  return world;
}
