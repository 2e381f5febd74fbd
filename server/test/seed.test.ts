import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../src/db/orm.ts';
import { DEMO_USERS, seedDatabase } from '../src/db/seeders/seed.ts';
import type { Engine } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { localDate } from './support/fixtures.ts';

describe('the seeder', () => {
  let db: TestDb;
  let orm: Awaited<ReturnType<typeof createOrm>>;
  let engine: Engine;

  beforeAll(async () => {
    db = await createTestDb();
    orm = await createOrm({ url: db.url, poolMax: 6 });
    engine = await db.engine();
  });
  afterAll(async () => {
    await orm.close(true);
    await db.close();
  });

  it('gives a newcomer something real to book, and seeding again (even four at once) changes nothing', async () => {
    const first = await seedDatabase(orm.em.fork());
    expect(first.stations).toBeGreaterThanOrEqual(6);
    expect(first.trains).toBeGreaterThanOrEqual(3);
    expect(first.runs).toBeGreaterThanOrEqual(21);
    const snapshot = await db.pool.query(
      `select md5(string_agg(id || ':' || run_id || ':' || number, ',' order by id)) as h from seats`,
    );
    const again = await Promise.all([1, 2, 3, 4].map(() => seedDatabase(orm.em.fork())));
    for (const s of again) expect(s).toEqual(first);
    const after = await db.pool.query(
      `select md5(string_agg(id || ':' || run_id || ':' || number, ',' order by id)) as h from seats`,
    );
    expect(after.rows[0].h).toBe(snapshot.rows[0].h);
  });

  it('routes have at least 4 stops, coaches two classes or more with sleeper berths', async () => {
    const stops = await db.pool.query(
      `select train_id, count(*)::int as n from train_stops group by train_id`,
    );
    expect(stops.rows.every((r) => r.n >= 4)).toBe(true);
    const classes = await db.pool.query(`select distinct class_code from coaches`);
    expect(classes.rows.length).toBeGreaterThanOrEqual(2);
    const berths = await db.pool.query(
      `select distinct berth from seats where class_code = 'SL' order by berth`,
    );
    expect(berths.rows.map((r) => r.berth)).toEqual(['LB', 'MB', 'SL', 'SU', 'UB']);
  });

  it('demo users log in with the passwords the README gives', async () => {
    for (const user of Object.values(DEMO_USERS)) {
      const r = await db.pool.query(`select password_hash, role from users where email = $1`, [
        user.email,
      ]);
      expect(r.rows[0].role).toBe(user.role);
      expect(await verify(r.rows[0].password_hash, user.password)).toBe(true);
    }
  });

  it('a seeded run can be found and booked', async () => {
    const tomorrow = localDate(new Date(Date.now() + 24 * 3_600_000));
    const results = await engine.search({ from: 'BRC', to: 'ST', date: tomorrow });
    expect(results.length).toBeGreaterThanOrEqual(3);
    const run = results[0]!;
    const map = await engine.seatMap(null, { runId: run.runId, from: 'BRC', to: 'ST' });
    const seat = map.seats.find((s) => s.state === 'free')!;
    const alice = await db.pool.query(`select id from users where email = 'alice@berth.dev'`);
    const booking = await engine.hold(
      { userId: Number(alice.rows[0].id), role: 'user' },
      {
        runId: run.runId,
        from: 'BRC',
        to: 'ST',
        seatIds: [seat.seatId],
        passengers: [{ name: 'Alice', age: 31 }],
        idempotencyKey: 'seed-test-hold',
      },
    );
    expect(booking.status).toBe('held');
  });

  it('keeps the demo run in the future: once it is within a week, the next start moves it a month ahead, bookings and all', async () => {
    await seedDatabase(orm.em.fork(), { days: 1, demo: true });
    const demoRun = async () =>
      (
        await db.pool.query<{ id: number; ahead: number; departs_at: Date }>(
          `select id, service_date - current_date as ahead, departs_at from runs where demo`,
        )
      ).rows;
    const [run] = await demoRun();
    expect(run!.ahead).toBe(30);
    const seats = await db.pool.query<{ id: string }>(
      `select id from seats where run_id = $1 order by id limit 2`,
      [run!.id],
    );
    const racer = await db.pool.query(`select id from users where email = 'demo07@berth.dev'`);
    const actor = { userId: Number(racer.rows[0].id), role: 'user' as const };
    const hold = (e: Engine, seat: string) =>
      e.hold(actor, {
        runId: run!.id,
        from: 'NDLS',
        to: 'JP',
        seatIds: [Number(seat)],
        passengers: [{ name: 'Racer 07', age: 30 }],
        idempotencyKey: `demo-roll-${seat}`,
      });
    const held = await hold(engine, seats.rows[0]!.id);
    // A month goes by: the run left yesterday.
    await db.pool.query(
      `update runs set service_date = service_date - 31, departs_at = departs_at - interval '31 days' where id = $1;`,
      [run!.id],
    );
    await db.pool.query(
      `update bookings set journey = tstzrange(lower(journey) - interval '31 days', upper(journey) - interval '31 days') where run_id = $1`,
      [run!.id],
    );

    await seedDatabase(orm.em.fork(), { days: 1, demo: true });
    const [moved] = await demoRun();
    expect(moved!.ahead).toBe(30);
    const journey = await db.pool.query<{ departs: Date }>(
      `select lower(journey) as departs from bookings where id = $1`,
      [held.id],
    );
    expect(journey.rows[0]!.departs.getTime()).toBe(moved!.departs_at.getTime());
    // Races work again: a new node's hold on the demo run is not "already departed".
    const fresh = await db.engine();
    await engine.release(actor, { bookingId: held.id });
    expect((await hold(fresh, seats.rows[1]!.id)).status).toBe('held');
    await db.assertIntegrity();
  });
});
