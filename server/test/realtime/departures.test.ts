import { fareFor, type BookingView, type SearchResult } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import {
  createTestRun,
  holdInput,
  localDate,
  uniqueCode,
  type TestRun,
} from '../support/fixtures.ts';
import { connect, must, type ClientSocket } from '../support/live.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** `hh:mm` on `date`, India time (the default BERTH_TIMEZONE). */
const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+05:30`);

describe(`GET /api/stations/:code/departures (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let day: string;
  let nextDay: string;
  /** The station every test looks at: stop 2 of `late`, stop 1 of `early`. */
  let hub: string;
  let late: TestRun;
  let early: TestRun;
  let endsAtHub: TestRun;
  let tomorrow: TestRun;
  const sockets: ClientSocket[] = [];

  const board = async (code: string, date?: string) => {
    const res = await http(
      node,
      'GET',
      `/api/stations/${code}/departures${date ? `?date=${date}` : ''}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as SearchResult[];
  };
  const freeOf = (result: SearchResult | undefined, classCode: string) =>
    result?.classes.find((c) => c.classCode === classCode)?.free;

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db);
    day = localDate(new Date(Date.now() + 3 * 86_400_000));
    nextDay = localDate(new Date(Date.now() + 4 * 86_400_000));
    // Leaves its origin at 06:00 and the hub (stop 2, +125 min) at 08:05, ending two stops on.
    late = await createTestRun(db.pool, {
      stops: 5,
      seatsPerClass: 6,
      departsAt: at(day, '06:00'),
    });
    hub = late.stops[2]!;
    // Leaves its origin later (06:30) but reaches the hub sooner, at its stop 1 (+65 min, 07:35):
    // first on the board, which is ordered by departure from the hub.
    early = await createTestRun(db.pool, {
      codes: [uniqueCode(), hub, uniqueCode(), uniqueCode()],
      seatsPerClass: 4,
      departsAt: at(day, '06:30'),
    });
    endsAtHub = await createTestRun(db.pool, {
      codes: [uniqueCode(), uniqueCode(), hub],
      departsAt: at(day, '05:00'),
    });
    tomorrow = await createTestRun(db.pool, {
      codes: [hub, uniqueCode()],
      departsAt: at(nextDay, '09:00'),
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await node.close();
    await db.close();
  });

  it('lists the runs of that service date that leave the station, by departure from it, to their last stop', async () => {
    const results = await board(hub, day);
    expect(results.map((r) => r.runId)).toEqual([early.runId, late.runId]);
    expect(results.map((r) => r.runId)).not.toContain(endsAtHub.runId);
    const [first, second] = results;
    expect(first).toMatchObject({
      serviceDate: day,
      from: {
        seq: 1,
        code: hub,
        name: `Station ${hub}`,
        departsAt: at(day, '07:35').toISOString(),
      },
      to: { seq: 3, code: early.stops[3], arrivesAt: at(day, '09:30').toISOString() },
      durationMinutes: 115,
    });
    expect(second).toMatchObject({
      from: { seq: 2, code: hub, departsAt: at(day, '08:05').toISOString() },
      to: { seq: 4, code: late.stops[4], arrivesAt: at(day, '10:00').toISOString() },
      durationMinutes: 115,
    });
    expect(second!.classes).toEqual([
      {
        classCode: 'SL',
        className: 'Sleeper',
        capacity: 6,
        free: 6,
        racHalvesFree: 0,
        racCount: 0,
        waitlistCount: 0,
        waitlistOpen: true,
        farePaise: fareFor({ baseFarePaise: 2000, perKmPaise: 50 }, 200, 1),
      },
      {
        classCode: 'CC',
        className: 'AC Chair Car',
        capacity: 6,
        free: 6,
        racHalvesFree: 0,
        racCount: 0,
        waitlistCount: 0,
        waitlistOpen: true,
        farePaise: fareFor({ baseFarePaise: 4000, perKmPaise: 110 }, 200, 1),
      },
    ]);
    expect(first!.classes.map((c) => [c.classCode, c.capacity])).toEqual([
      ['SL', 4],
      ['CC', 4],
    ]);
    // The very answer a search for the same stretch gives: one implementation.
    const search = await http(
      node,
      'GET',
      `/api/search?from=${hub}&to=${late.stops[4]}&date=${day}`,
    );
    expect(search.body.data).toEqual([second]);

    expect((await board(hub, nextDay)).map((r) => r.runId)).toEqual([tomorrow.runId]);
    expect(await board(late.stops[4]!, day)).toEqual([]); // the terminus: arrivals only
    expect((await board(hub.toLowerCase(), day)).map((r) => r.runId)).toHaveLength(2);
  });

  it('free counts are for the stretch to the terminus: a hold over it takes one, a hold before it none', async () => {
    const holder = await connect(node.url, (await signUp(node, 'Holder')).accessToken);
    const other = await connect(node.url, (await signUp(node, 'Other')).accessToken);
    sockets.push(holder, other);
    const before = (await board(hub, day)).find((r) => r.runId === late.runId);
    expect(freeOf(before, 'SL')).toBe(6);

    // Stops 0 -> 2 end where the board's stretch (2 -> 4) begins: no overlap.
    await must<BookingView>(other, 'hold:create', holdInput(late, [late.seats.SL![0]!], 0, 2));
    expect(
      freeOf(
        (await board(hub, day)).find((r) => r.runId === late.runId),
        'SL',
      ),
    ).toBe(6);

    // Stops 1 -> 3 overlap it.
    await must<BookingView>(holder, 'hold:create', holdInput(late, [late.seats.SL![1]!], 1, 3));
    const after = await board(hub, day);
    const lateAfter = after.find((r) => r.runId === late.runId);
    expect(freeOf(lateAfter, 'SL')).toBe(5);
    expect(freeOf(lateAfter, 'CC')).toBe(6);
    expect(
      freeOf(
        after.find((r) => r.runId === early.runId),
        'SL',
      ),
    ).toBe(4);
  });

  it('without a date: the service date of today in BERTH_TIMEZONE', async () => {
    const now = await createTestRun(db.pool, { codes: [uniqueCode(), uniqueCode()] });
    await db.pool.query(`update runs set service_date = $2::date where id = $1`, [
      now.runId,
      localDate(new Date()),
    ]);
    const todays = await board(now.stops[0]!);
    expect(todays.map((r) => r.runId)).toEqual([now.runId]);
    expect(todays).toEqual(await board(now.stops[0]!, localDate(new Date())));
  });

  it('an unknown station is NOT_FOUND; a malformed code or date, or an unknown parameter, VALIDATION', async () => {
    const unknown = await http(node, 'GET', '/api/stations/ZZZZZZ/departures');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    for (const path of [
      `/api/stations/A1/departures`,
      `/api/stations/TOOLONGCODE/departures`,
      `/api/stations/${hub}/departures?date=tomorrow`,
      `/api/stations/${hub}/departures?date=2026-02-30`,
      `/api/stations/${hub}/departures?date=${day}&limit=5`,
    ]) {
      const res = await http(node, 'GET', path);
      expect([res.status, res.body.error?.code], path).toEqual([400, 'VALIDATION']);
    }
  });
});
