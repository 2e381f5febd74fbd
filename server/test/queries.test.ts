import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUser,
  createUsers,
  holdInput,
  key,
  localDate,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

describe('queries', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];
  let admin: UserActor;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine({ config: { GATEWAY_LATENCY_MS: 5 } });
    run = await createTestRun(db.pool, { stops: 4, seatsPerClass: 10 });
    users = await createUsers(db.pool, 3);
    admin = await createUser(db.pool, 'admin');
  });
  afterAll(() => db.close());

  it('search finds the run between two stations on its date with per-class free counts', async () => {
    const date = localDate(new Date(run.departsAt.getTime() + 65 * 60_000));
    const before = await engine.search({ from: run.stops[1], to: run.stops[3], date });
    const found = before.find((r) => r.runId === run.runId)!;
    expect(found.classes.map((c) => [c.classCode, c.capacity, c.free])).toEqual([
      ['SL', 10, 10],
      ['CC', 10, 10],
    ]);
    expect(found.durationMinutes).toBe(115);
    expect(found.classes[0]!.farePaise).toBe(2000 + 50 * 200);
    await engine.hold(users[0]!, holdInput(run, [run.seats.SL![0]!], 0, 2));
    const after = await engine.search({ from: run.stops[1], to: run.stops[3], date });
    expect(after.find((r) => r.runId === run.runId)!.classes[0]!.free).toBe(9);
    // A segment the hold does not touch keeps all its seats.
    const later = await engine.search({
      from: run.stops[2],
      to: run.stops[3],
      date: localDate(new Date(run.departsAt.getTime() + 125 * 60_000)),
    });
    expect(later.find((r) => r.runId === run.runId)!.classes[0]!.free).toBe(10);
    // Wrong direction, or another day: nothing.
    expect(await engine.search({ from: run.stops[3], to: run.stops[1], date })).toEqual([]);
    expect(await outcomes([engine.search({ from: 'x', to: run.stops[1], date })])).toEqual([
      'VALIDATION',
    ]);
  });

  it('my bookings and a booking by PNR: owner or admin, NOT_FOUND for anyone else', async () => {
    const held = await engine.hold(users[1]!, holdInput(run, [run.seats.CC![0]!]));
    const mine = await engine.myBookings(users[1]!);
    expect(mine.map((b) => b.pnr)).toEqual([held.pnr]);
    expect(held.pnr).toMatch(/^[A-Z0-9]{10}$/);
    expect((await engine.bookingByPnr(users[1]!, held.pnr)).id).toBe(held.id);
    expect((await engine.bookingByPnr(admin, held.pnr.toLowerCase())).id).toBe(held.id);
    expect(await outcomes([engine.bookingByPnr(users[2]!, held.pnr)])).toEqual(['NOT_FOUND']);
    expect(await outcomes([engine.bookingByPnr(users[1]!, 'ZZZZZZZZZZ')])).toEqual(['NOT_FOUND']);
    expect(await outcomes([engine.bookingByPnr(users[1]!, 'short')])).toEqual(['VALIDATION']);
  });

  it('admin views are for admins only', async () => {
    for (const call of [
      engine.adminStats(users[0]!),
      engine.runOccupancy(users[0]!),
      engine.auditTrail(users[0]!),
      engine.gatewaySettings(users[0]!),
    ]) {
      expect(await outcomes([call])).toEqual(['FORBIDDEN']);
    }
    const held = await engine.hold(users[2]!, holdInput(run, [run.seats.SL![5]!]));
    await engine.pay(users[2]!, { bookingId: held.id, idempotencyKey: key('pay') });
    const stats = await engine.adminStats(admin);
    expect(stats.bookingsByStatus.confirmed).toBe(1);
    expect(stats.revenuePaise).toBe(held.farePaise);
    const occupancy = await engine.runOccupancy(admin, {
      from: localDate(run.departsAt),
      to: localDate(run.departsAt),
    });
    const sl = occupancy.find((o) => o.runId === run.runId && o.classCode === 'SL')!;
    expect(sl).toMatchObject({ capacity: 10, seatsSold: 1 });
    expect(sl.utilisation).toBeCloseTo(1 / 10);
  });

  it('the audit trail pages by cursor without gaps or repeats, and filters', async () => {
    const all = await engine.auditTrail(admin, { limit: 200 });
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await engine.auditTrail(admin, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.entries.map((e) => e.id));
    const holds = await engine.auditTrail(admin, { action: 'HOLD' });
    expect(holds.entries.every((e) => e.action === 'HOLD')).toBe(true);
    expect(holds.entries.length).toBe(3);
    expect(await outcomes([engine.auditTrail(admin, { limit: 0 })])).toEqual(['VALIDATION']);
  });

  it('bad input is VALIDATION and changes nothing', async () => {
    const bad = [
      { ...holdInput(run, [run.seats.SL![1]!]), seatIds: [] },
      { ...holdInput(run, [run.seats.SL![1]!]), extra: 1 },
      {
        ...holdInput(
          run,
          Array.from({ length: 7 }, (_, i) => run.seats.SL![i]!),
        ),
      },
      { ...holdInput(run, [run.seats.SL![1]!, run.seats.SL![1]!]) },
      { ...holdInput(run, [run.seats.SL![1]!]), passengers: [{ name: '', age: 20 }] },
      { ...holdInput(run, [run.seats.SL![1]!]), runId: 'one' },
      { ...holdInput(run, [run.seats.SL![1]!]), idempotencyKey: 'x' },
      null,
    ];
    const before = await db.pool.query(`select count(*) from bookings`);
    for (const input of bad)
      expect(await outcomes([engine.hold(users[0]!, input)]), JSON.stringify(input)).toEqual([
        'VALIDATION',
      ]);
    expect(
      await outcomes([engine.hold(users[0]!, holdInput(run, [run.seats.SL![1]!], 2, 1))]),
    ).toEqual(['VALIDATION']);
    expect(
      await outcomes([engine.hold(users[0]!, { ...holdInput(run, [1]), seatIds: [999_999] })]),
    ).toEqual(['NOT_FOUND']);
    expect(
      await outcomes([
        engine.hold(users[0]!, holdInput(run, [run.seats.SL![1]!, run.seats.CC![1]!])),
      ]),
    ).toEqual(['VALIDATION']);
    const after = await db.pool.query(`select count(*) from bookings`);
    expect(after.rows[0].count).toBe(before.rows[0].count);
  });

  it('a run that did not exist when first asked for is found once it is seeded', async () => {
    const sequence = `pg_get_serial_sequence('runs', 'id')`;
    const { rows } = await db.pool.query(`select nextval(${sequence})::int as next`);
    const nextId = rows[0].next as number;
    await db.pool.query(`select setval(${sequence}, $1, false)`, [nextId]);
    const ask = () => engine.seatMap(null, { runId: nextId });
    expect(await outcomes([ask()])).toEqual(['NOT_FOUND']);
    const seeded = await createTestRun(db.pool);
    expect(seeded.runId).toBe(nextId);
    expect((await ask()).runId).toBe(nextId);
  });
});
