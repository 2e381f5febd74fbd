import type { AuthTokens, BookingView, DemoInfo, RaceResult, RunSnapshot } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../src/db/orm.ts';
import { seedDatabase } from '../../src/db/seeders/seed.ts';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { ask, must, waitFor, socketTracker, type ClientSocket } from '../support/live.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** Entries in lock order, each locked at or after the one before had ended (PostgreSQL's clock). */
function heldOneAtATime(result: RaceResult): boolean {
  const locked = result.entries.filter((e) => e.lockedAt && e.unlockedAt);
  const inOrder = locked.every((e, i) => i === 0 || e.lockedAt! >= locked[i - 1]!.lockedAt!);
  expect(inOrder, 'entries sorted by lockedAt').toBe(true);
  return locked.every((e, i) => i === 0 || e.lockedAt! >= locked[i - 1]!.unlockedAt!);
}

/**
 * Starts a race while another transaction holds the seat's row lock, and lets go once a backend
 * of the race waits for a row lock. Answers the race and when the lock was let go, on
 * PostgreSQL's clock. With the hold's FOR UPDATE, contenders queue at it, so every one locks
 * after the release; without it they get past that step at once (and queue later, at the
 * seat's version bump), so some lock before it.
 */
async function raceAgainstALock(
  db: TestDb,
  starter: ClientSocket,
  seatId: number,
): Promise<{ result: RaceResult; releasedAt: string }> {
  const blocker = await db.pool.connect();
  try {
    await blocker.query('begin');
    await blocker.query('select id from seats where id = $1 for update', [seatId]);
    const race = must<RaceResult>(starter, 'race:start', { seatId, contenders: 10 });
    race.catch(() => undefined); // awaited below; a refusal must not go unhandled meanwhile
    await someoneWaitsForALock(db);
    const { rows } = await blocker.query<{ t: string }>(
      `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t`,
    );
    await blocker.query('commit');
    return { result: await race, releasedAt: rows[0]!.t };
  } finally {
    blocker.release();
  }
}

/** Until a backend of this database waits for a row lock (a contender queued on the seat). */
async function someoneWaitsForALock(db: TestDb): Promise<void> {
  await waitFor(
    async () => {
      // Row locks only: a wait to extend a table (ten inserts at once) is a Lock wait too, and
      // one can come before any contender has reached the seat.
      const { rows } = await db.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where not l.granted and l.locktype in ('tuple', 'transactionid')
            and a.datname = current_database()`,
      );
      return rows[0]!.n > 0;
    },
    10_000,
    'a contender waiting for the seat row lock',
  );
}

async function seededDemoDb(): Promise<TestDb> {
  const db = await createTestDb();
  const orm = await createOrm({ url: db.url, poolMax: 2 });
  await seedDatabase(orm.em.fork(), { days: 1, demo: true });
  await orm.close(true);
  return db;
}

describe(`the race demo (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let demo: DemoInfo;
  let seats: number[];
  /** The contender number of the first race's winner, who still holds its seat afterwards. */
  let crowdWinner: number;
  const sockets = socketTracker(() => node.url);
  const open = (token?: string) => sockets.open(token);

  beforeAll(async () => {
    db = await seededDemoDb();
    node = await startNode(db, { config: { BERTH_DEMO: true, DB_POOL_MAX: 60 } });
    demo = await must<DemoInfo>(await open(), 'race:watch', {});
    const snapshot = await must<RunSnapshot>(await open(), 'run:watch', {
      runId: demo.runId,
      from: demo.from,
      to: demo.to,
    });
    seats = snapshot.seats.map((s) => s.seatId);
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('a race of 50: one winner, 49 SEAT_TAKEN, every watcher of the demo room gets all 50 entries', async () => {
    const watchers = [await open(), await open()];
    const seen: RaceResult[][] = watchers.map(() => []);
    for (const [i, w] of watchers.entries()) {
      await must(w, 'race:watch', {});
      w.on('race:finished', (r) => seen[i]!.push(r));
    }
    const starter = await open((await signUp(node)).accessToken);
    const result = await must<RaceResult>(starter, 'race:start', {
      seatId: seats[0],
      contenders: 50,
    });
    expect(result.entries).toHaveLength(50);
    expect(result.entries.filter((e) => e.outcome === 'WON')).toHaveLength(1);
    expect(result.entries.filter((e) => e.outcome === 'SEAT_TAKEN')).toHaveLength(49);
    expect(result.winner).toBe(result.entries.find((e) => e.outcome === 'WON')!.contender);
    expect(result.entries.every((e) => e.lockWaitMs >= 0 && e.totalMs >= e.lockWaitMs)).toBe(true);
    // The seat's row lock let them through one at a time, as PostgreSQL's own clock recorded it:
    // listed in that order, the winner first, each one locking only after the one before let go.
    expect(result.entries[0]!.outcome).toBe('WON');
    expect(result.entries.every((e) => e.lockedAt && e.unlockedAt)).toBe(true);
    expect(heldOneAtATime(result)).toBe(true);
    crowdWinner = Number(result.winner!.replace('Racer ', ''));
    for (const s of seen) {
      await waitFor(() => s.length === 1, 5000, 'race:finished');
      expect(s[0]!.entries).toHaveLength(50);
      expect(s[0]!.raceId).toBe(result.raceId);
    }
    await db.assertIntegrity();
  });

  it("a duel right after a crowd race is decided by the seat's lock, not by the winner's leftover hold", async () => {
    const sides = await Promise.all(
      [crowdWinner, (crowdWinner % 50) + 1].map(async (contender) => {
        const session = await http(node, 'POST', '/api/demo/session', { body: { contender } });
        return open((session.body.data as AuthTokens).accessToken);
      }),
    );
    // Both in the same tick, as the split screen's "Both at once" sends them.
    const acks = await Promise.all(
      sides.map((side, i) =>
        ask<BookingView>(side, 'hold:create', {
          runId: demo.runId,
          from: demo.from,
          to: demo.to,
          seatIds: [seats[2]],
          passengers: [{ name: `Side ${i}`, age: 30 }],
          idempotencyKey: `duel-${Date.now()}-${i}`,
        }),
      ),
    );
    expect(acks.map((a) => (a.ok ? 'OK' : a.error.code)).sort()).toEqual(['OK', 'SEAT_TAKEN']);
    // The winner of the crowd race let its old seat go first: one seat at a time per racer.
    const held = await db.pool.query(
      `select count(*)::int as n from bookings b join users u on u.id = b.user_id
        where u.email = $1 and b.status = 'held'`,
      [`demo${String(crowdWinner).padStart(2, '0')}@berth.dev`],
    );
    expect(held.rows[0].n).toBeLessThanOrEqual(1);
  });

  it('no contender gets past the seat row lock while another transaction holds it', async () => {
    const starter = await open((await signUp(node)).accessToken);
    const { result, releasedAt } = await raceAgainstALock(db, starter, seats[3]!);
    expect(result.entries.filter((e) => e.outcome === 'WON')).toHaveLength(1);
    expect(result.entries.every((e) => e.lockedAt! >= releasedAt)).toBe(true);
  });

  it('the next race on that seat releases the last one first, so it has a winner again', async () => {
    const starter = await open((await signUp(node)).accessToken);
    const again = await must<RaceResult>(starter, 'race:start', {
      seatId: seats[0],
      contenders: 10,
    });
    expect(again.entries.filter((e) => e.outcome === 'WON')).toHaveLength(1);
    const other = await must<RaceResult>(starter, 'race:start', {
      seatId: seats[1],
      contenders: 2,
    });
    expect(other.entries.map((e) => e.outcome).sort()).toEqual(['SEAT_TAKEN', 'WON']);
    await db.assertIntegrity();
  });

  it('demo users are exempt from rate limits', async () => {
    const [demoUser] = (
      await db.pool.query(`select id from users where email = 'demo01@berth.dev'`)
    ).rows;
    // 130 releases in a row by a demo user: past the default 120 a minute for anyone else.
    for (let i = 0; i < 130; i++) {
      await node.app.limits.consume('hold:release', Number(demoUser.id));
    }
    const someone = await signUp(node);
    for (let i = 0; i < 120; i++) await node.app.limits.consume('hold:release', someone.user.id);
    await expect(node.app.limits.consume('hold:release', someone.user.id)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
  });

  it('only signed-in users start races; bad input is VALIDATION', async () => {
    const anon = await open();
    const refused = await ask(anon, 'race:start', { seatId: seats[0], contenders: 2 });
    expect(refused.ok ? 'OK' : refused.error.code).toBe('UNAUTHENTICATED');
    const user = await open((await signUp(node)).accessToken);
    for (const payload of [
      { seatId: seats[0], contenders: 51 },
      { seatId: seats[0], contenders: 1 },
      { seatId: 1, contenders: 2 },
      {},
    ]) {
      const ack = await ask(user, 'race:start', payload);
      expect(ack.ok ? 'OK' : ack.error.code, JSON.stringify(payload)).toBe('VALIDATION');
    }
  });

  it('the split screen signs in as demo users, who may hold seats of the demo run only', async () => {
    // Contender 40: the races above (of 50, then 10 and 2 after releasing every demo hold) leave
    // only demo01..demo10 holding anything.
    const session = await http(node, 'POST', '/api/demo/session', { body: { contender: 40 } });
    expect(session.status).toBe(200);
    const tokens = session.body.data as AuthTokens;
    expect(tokens.user.email).toBe('demo40@berth.dev');
    const side = await open(tokens.accessToken);
    const hold = await must<BookingView>(side, 'hold:create', {
      runId: demo.runId,
      from: demo.from,
      to: demo.to,
      seatIds: [seats[5]],
      passengers: [{ name: 'demo40', age: 30 }],
      idempotencyKey: `split-${Date.now()}`,
    });
    expect(hold.status).toBe('held');
    // A run of the real timetable: refused, so demo sessions cannot skip anyone's rate limits.
    const [real] = (await db.pool.query(`select id from runs where not demo limit 1`)).rows;
    const [realSeat] = (
      await db.pool.query(`select id from seats where run_id = $1 limit 1`, [real.id])
    ).rows;
    const stations = (
      await db.pool.query(
        `select s.code from train_stops ts join stations s on s.id = ts.station_id
          join runs r on r.train_id = ts.train_id where r.id = $1 order by ts.seq`,
        [real.id],
      )
    ).rows.map((r: { code: string }) => r.code);
    const refused = await ask(side, 'hold:create', {
      runId: Number(real.id),
      from: stations[0],
      to: stations[1],
      seatIds: [Number(realSeat.id)],
      passengers: [{ name: 'demo40', age: 30 }],
      idempotencyKey: `split-real-${Date.now()}`,
    });
    expect(refused.ok ? 'OK' : refused.error.code).toBe('FORBIDDEN');
    for (const body of [{ contender: 0 }, { contender: 51 }, { contender: '1' }, {}]) {
      const bad = await http(node, 'POST', '/api/demo/session', { body });
      expect(bad.body.error?.code, JSON.stringify(body)).toBe('VALIDATION');
    }
    await must(side, 'hold:release', { bookingId: hold.id });
  });
});

// Its own suite, after the one above has closed its node (one uWS node per process).
describe(`control: the race demo without the seat's row lock (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  const sockets = socketTracker(() => node.url);

  beforeAll(async () => {
    db = await seededDemoDb();
    node = await startNode(db, {
      config: { BERTH_DEMO: true, DB_POOL_MAX: 60 },
      hooks: { skipSeatLock: true },
    });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('contenders get past the lock step while another transaction holds the seat row: the check above would catch a missing lock', async () => {
    const watcher = await sockets.open();
    const demo = await must<DemoInfo>(watcher, 'race:watch', {});
    const snapshot = await must<RunSnapshot>(watcher, 'run:watch', {
      runId: demo.runId,
      from: demo.from,
      to: demo.to,
    });
    const starter = await sockets.open((await signUp(node)).accessToken);
    const { result, releasedAt } = await raceAgainstALock(db, starter, snapshot.seats[0]!.seatId);
    // The exclusion constraint still lets only one win; but nothing held them at the lock step.
    expect(result.entries.filter((e) => e.outcome === 'WON')).toHaveLength(1);
    expect(result.entries.some((e) => e.lockedAt! < releasedAt)).toBe(true);
  });
});
