import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';

describe('the database itself refuses an overlapping sale', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { stops: 5, seatsPerClass: 4 });
    users = await createUsers(db.pool, 2);
  });
  afterAll(() => db.close());

  it('a direct insert of an overlapping active booking_seats row fails with 23P01', async () => {
    const seat = run.seats.SL![0]!;
    const held = await engine.hold(users[0]!, holdInput(run, [seat], 0, 3));
    const insert = (stops: string, part = '[0,2)', active = true) =>
      db.pool.query(
        `insert into booking_seats (booking_id, seat_id, stops, part, active, passenger_id)
         select $1, $2, $3::int4range, $4::int4range, $5, id
           from booking_passengers where booking_id = $1`,
        [held.id, seat, stops, part, active],
      );
    await expect(insert('[2,4)')).rejects.toMatchObject({ code: '23P01' });
    await expect(insert('[0,1)', '[1,2)')).rejects.toMatchObject({ code: '23P01' });
    // Not overlapping, or not active: allowed.
    await expect(insert('[3,4)')).resolves.toBeDefined();
    await expect(insert('[0,4)', '[0,2)', false)).resolves.toBeDefined();
  });

  it('two halves of one berth do not conflict with each other, a whole berth conflicts with both', async () => {
    const seat = run.seats.SL![1]!;
    const held = await engine.hold(users[1]!, holdInput(run, [seat], 0, 1));
    const insert = (part: string) =>
      db.pool.query(
        `insert into booking_seats (booking_id, seat_id, stops, part, passenger_id)
         select $1, $2, '[2,4)'::int4range, $3::int4range, id
           from booking_passengers where booking_id = $1`,
        [held.id, seat, part],
      );
    await expect(insert('[0,1)')).resolves.toBeDefined();
    await expect(insert('[1,2)')).resolves.toBeDefined();
    await expect(insert('[0,2)')).rejects.toMatchObject({ code: '23P01' });
  });
});
