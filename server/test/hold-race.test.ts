import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import type { TestHooks } from '../src/engine-context.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import type { BookingView } from '@berth/shared';
import {
  codesOf,
  createTestRun,
  createUsers,
  holdInput,
  type TestRun,
} from './support/fixtures.ts';

async function releaseWinners(
  engine: Engine,
  users: UserActor[],
  results: PromiseSettledResult<BookingView>[],
) {
  for (const [i, r] of results.entries()) {
    if (r.status === 'fulfilled') await engine.release(users[i]!, { bookingId: r.value.id });
  }
}

const ROUNDS = 20;

/**
 * N users hold one never-booked seat at the same instant, ROUNDS times per size. Run three ways,
 * each in its own database: both mechanisms; the row lock alone (exclusion constraint dropped);
 * the constraint alone (seat lock skipped by a test hook).
 */
function raceSuite(name: string, setup: { dropConstraint: boolean; hooks: TestHooks }) {
  describe(name, () => {
    let db: TestDb;
    let engine: Engine;
    let run: TestRun;
    let users: UserActor[];
    let nextSeat = 0;

    beforeAll(async () => {
      db = await createTestDb();
      if (setup.dropConstraint) {
        await db.pool.query(`alter table booking_seats drop constraint booking_seats_no_overlap`);
      }
      engine = await db.engine({ hooks: setup.hooks });
      run = await createTestRun(db.pool, { seatsPerClass: 2 * ROUNDS + 2 });
      users = await createUsers(db.pool, 50);
    });
    afterAll(() => db.close());

    for (const contenders of [2, 50]) {
      it(`${contenders} concurrent holds of one seat: exactly one wins, ${ROUNDS} rounds`, async () => {
        for (let round = 0; round < ROUNDS; round++) {
          const seatId = run.seats.SL![nextSeat++]!;
          const contestants = users.slice(0, contenders);
          const results = await Promise.allSettled(
            contestants.map((u) => engine.hold(u, holdInput(run, [seatId]))),
          );
          const codes = codesOf(results);
          expect(
            codes.filter((c) => c === 'OK'),
            `round ${round}: ${codes.join(',')}`,
          ).toHaveLength(1);
          expect(
            codes.filter((c) => c === 'SEAT_TAKEN'),
            `round ${round}: ${codes.join(',')}`,
          ).toHaveLength(contenders - 1);
          // The winner lets go, so every user is free to race on this journey again.
          await releaseWinners(engine, contestants, results);
        }
        await db.assertIntegrity();
      });
    }
  });
}

raceSuite('seat lock and exclusion constraint', { dropConstraint: false, hooks: {} });
raceSuite('seat lock alone (constraint dropped)', { dropConstraint: true, hooks: {} });
raceSuite('exclusion constraint alone (seat lock skipped)', {
  dropConstraint: false,
  hooks: { skipSeatLock: true },
});

describe('control: with neither mechanism', () => {
  it('the same race sells one seat twice, so the suites above can fail', async () => {
    const db = await createTestDb();
    try {
      await db.pool.query(`alter table booking_seats drop constraint booking_seats_no_overlap`);
      const engine = await db.engine({ hooks: { skipSeatLock: true } });
      const run = await createTestRun(db.pool, { seatsPerClass: 10 });
      const users = await createUsers(db.pool, 50);
      let winners = 0;
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled(
          users.map((u) => engine.hold(u, holdInput(run, [run.seats.SL![round]!]))),
        );
        winners += codesOf(results).filter((c) => c === 'OK').length;
        await releaseWinners(engine, users, results);
      }
      expect(winners).toBeGreaterThan(5);
    } finally {
      await db.close();
    }
  });
});
