import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { newPnr } from '../src/modules/booking/pnr.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  codesOf,
  createTestRun,
  createUsers,
  holdInput,
  key,
  type TestRun,
} from './support/fixtures.ts';

/**
 * A hold turned away because its seat is taken lets go of the seat's lock before it commits
 * anything. Otherwise each loser of a rush would keep the seat locked through its own commit, and
 * the losers would pass through the seat one WAL flush at a time. Two ways, each tested here:
 * - the hold function takes the seat locks in a subtransaction and rolls it back when it finds the
 *   seats taken, so the lock is free as the function answers, before the answer reaches Node; the
 *   refusal is then stored under the key in the same transaction, which holds nothing anyone
 *   else waits for;
 * - a refusal that still holds its locks (the exclusion constraint turned the seats away, after
 *   the overlap check passed) rolls back first, then stores its answer in a transaction of its own.
 */

/** Whether `seatIds` can be locked at once from another connection (NOWAIT: no queueing). */
async function lockableNow(db: TestDb, seatIds: number[]): Promise<boolean> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    const locked = await client
      .query(`select id from seats where id = any($1) for update nowait`, [seatIds])
      .then(
        () => true,
        () => false,
      );
    await client.query('rollback');
    return locked;
  } finally {
    client.release();
  }
}

const storedAnswer = async (db: TestDb, idempotencyKey: string) =>
  (
    await db.pool.query<{ status: string; code: string }>(
      `select status, response -> 'error' ->> 'code' as code from idempotency_keys where key = $1`,
      [idempotencyKey],
    )
  ).rows;

describe('a refused hold is off the seat lock before any commit', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];
  /** At each rollback-then-store refusal: was its key stored already? */
  const rolledBack: { keyStored: boolean }[] = [];
  /** At each answer of the function that turned a hold away: was the seat lockable? */
  const atAnswer: boolean[] = [];
  let watchedKey = '';

  const keyStored = async () =>
    (await db.pool.query(`select 1 from idempotency_keys where key = $1`, [watchedKey]))
      .rowCount !== 0;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({
      hooks: {
        beforeRefusalStored: async () => {
          rolledBack.push({ keyStored: await keyStored() });
        },
        onSeatsTaken: async (seatIds) => {
          atAnswer.push(await lockableNow(db, seatIds));
        },
      },
    });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
    users = await createUsers(db.pool, 3);
  });
  afterAll(async () => {
    await db.assertIntegrity();
    await db.close();
  });

  it('the hold function frees the seat as it answers, and the refusal is stored in the same transaction', async () => {
    const seat = run.seats.SL![0]!;
    await engine.hold(users[0]!, holdInput(run, [seat], 0, 2));
    const loser = holdInput(run, [seat], 0, 2);
    watchedKey = loser.idempotencyKey;
    expect(codesOf(await Promise.allSettled([engine.hold(users[1]!, loser)]))).toEqual([
      'SEAT_TAKEN',
    ]);
    // Free already when the function answered, its transaction still open.
    expect(atAnswer).toEqual([true]);
    // No rollback-then-store: the answer went with the transaction the function ran in.
    expect(rolledBack).toEqual([]);
    expect(await storedAnswer(db, watchedKey)).toEqual([
      { status: 'completed', code: 'SEAT_TAKEN' },
    ]);
    // A retry replays it without running again.
    expect(codesOf(await Promise.allSettled([engine.hold(users[1]!, loser)]))).toEqual([
      'SEAT_TAKEN',
    ]);
    expect(atAnswer).toHaveLength(1);
  });

  it('a refusal of the exclusion constraint rolls back first, then stores its answer', async () => {
    // Without the seat lock, only the constraint stands; another transaction's uncommitted
    // booking of the seat makes this hold's insert wait for it, and then turns it away.
    const unlocked = await db.engine({
      hooks: {
        skipSeatLock: true,
        beforeRefusalStored: async () => {
          rolledBack.push({ keyStored: await keyStored() });
        },
      },
    });
    const seat = run.seats.SL![1]!;
    const other = await db.pool.connect();
    let bookingId = '';
    try {
      await other.query('begin');
      const booking = await other.query<{ id: string }>(
        `insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, journey,
                               expires_at, hold_until, fare_paise, idempotency_key)
         values ($1, $2, $3, 0, 2, 'SL', 'held', tstzrange(now(), now() + interval '1 hour'),
                 now() + interval '10 minutes', now() + interval '10 minutes', 100, $4)
         returning id`,
        [newPnr(), users[2]!.userId, run.runId, key('sql')],
      );
      bookingId = booking.rows[0]!.id;
      await other.query(
        `with party as (insert into booking_passengers (booking_id, position, name, age)
                        values ($1, 0, 'First', 30) returning id)
         insert into booking_seats (booking_id, seat_id, stops, passenger_id)
         select $1, $2, int4range(0, 2), id from party`,
        [bookingId, seat],
      );
      const loser = holdInput(run, [seat], 0, 2);
      watchedKey = loser.idempotencyKey;
      const refused = Promise.allSettled([unlocked.hold(users[1]!, loser)]);
      // The loser's insert waits on the uncommitted row: then let that row commit.
      for (let i = 0; i < 250; i++) {
        const waiting = await db.pool.query(
          `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        );
        if (waiting.rowCount) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('commit');
      expect(codesOf(await refused)).toEqual(['SEAT_TAKEN']);
      expect(rolledBack).toEqual([{ keyStored: false }]);
      expect(await storedAnswer(db, watchedKey)).toEqual([
        { status: 'completed', code: 'SEAT_TAKEN' },
      ]);
    } finally {
      await other.query('rollback').catch(() => undefined);
      other.release();
      // The hand-made booking has no audit trail: take it away again before the integrity check.
      if (bookingId) {
        await db.pool.query(`delete from booking_seats where booking_id = $1`, [bookingId]);
        await db.pool.query(`delete from booking_passengers where booking_id = $1`, [bookingId]);
        await db.pool.query(`delete from bookings where id = $1`, [bookingId]);
      }
    }
  });
});
