import { bookingWindowSchema, calendarSchema, type SearchResult } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, localDate, type TestRun } from '../support/fixtures.ts';
import { http, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** The service date `n` days from today, India time (the default BERTH_TIMEZONE). */
const dayFromToday = (n: number) => localDate(new Date(Date.now() + n * 86_400_000));
/** 10:00 on `date`, India time. */
const tenAm = (date: string) => new Date(`${date}T10:00:00+05:30`);

describe(`GET /api/search says why it has no trains (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  /** The same route on four service dates: yesterday, tomorrow, the window's last day, after it. */
  const runs: Record<'yesterday' | 'tomorrow' | 'lastDay' | 'afterWindow', TestRun | undefined> = {
    yesterday: undefined,
    tomorrow: undefined,
    lastDay: undefined,
    afterWindow: undefined,
  };
  let route: string[];
  const search = (from: string, to: string, date: string) =>
    http(node, 'GET', `/api/search?from=${from}&to=${to}&date=${date}`);

  beforeAll(async () => {
    db = await createTestDb();
    // A window of its own, so the test proves the server's setting decides it.
    node = await startNode(db, { config: { BOOKING_WINDOW_DAYS: 3 } });
    runs.tomorrow = await createTestRun(db.pool, { stops: 3, departsAt: tenAm(dayFromToday(1)) });
    route = runs.tomorrow.stops;
    for (const [name, days] of [
      ['yesterday', -1],
      ['lastDay', 2],
      ['afterWindow', 3],
    ] as const) {
      runs[name] = await createTestRun(db.pool, {
        codes: route,
        departsAt: tenAm(dayFromToday(days)),
      });
    }
  });
  afterAll(async () => {
    await node.close();
    await db.close();
  });

  it('answers dates inside the window, today to its last day, with their trains', async () => {
    for (const [name, days] of [
      ['tomorrow', 1],
      ['lastDay', 2],
    ] as const) {
      const res = await search(route[0]!, route[2]!, dayFromToday(days));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((res.body.data as SearchResult[]).map((r) => r.runId)).toEqual([runs[name]!.runId]);
    }
    expect((await search(route[0]!, route[2]!, dayFromToday(0))).status).toBe(200);
  });

  it('refuses a past date and a date past the window with OUTSIDE_BOOKING_WINDOW and the window', async () => {
    const window = { first: dayFromToday(0), last: dayFromToday(2), days: 3 };
    // A run exists on both days: the rule, not an empty timetable, is what refuses them.
    for (const date of [dayFromToday(-1), dayFromToday(3), '2020-01-01']) {
      const res = await search(route[0]!, route[2]!, date);
      expect(res.status, date).toBe(422);
      expect(res.body.error.code).toBe('OUTSIDE_BOOKING_WINDOW');
      expect(bookingWindowSchema.parse(res.body.error.details)).toEqual(window);
      expect(res.body.error.message).toMatch(/book/i);
    }
  });

  it('refuses the same station as from and to with VALIDATION on `to`', async () => {
    const res = await search(route[1]!, route[1]!, dayFromToday(1));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION');
    expect(res.body.error.details.fields).toEqual([
      { path: 'to', message: 'from and to are the same station' },
    ]);
  });

  it('still answers an empty list for a day in the window with no trains', async () => {
    const res = await search(route[2]!, route[0]!, dayFromToday(1));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('GET /api/calendar announces the zone search dates are read in, today there, and the window', async () => {
    const res = await http(node, 'GET', '/api/calendar');
    expect(res.status).toBe(200);
    expect(calendarSchema.parse(res.body.data)).toEqual({
      timeZone: 'Asia/Kolkata',
      today: dayFromToday(0),
      bookingWindow: { first: dayFromToday(0), last: dayFromToday(2), days: 3 },
    });
  });
});
