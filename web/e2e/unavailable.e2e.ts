import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canHold, type Ack, type SearchResult, type SeatMap } from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, newUser, screenshot, useBrowser } from './support/browser.ts';
import { PG_PORT, startBerth, type BerthProcess } from './support/server.ts';
import { startTcpGate, type TcpGate } from './support/tcp-gate.ts';

const browser = useBrowser();
const DATE = todayInIndia(new Date(Date.now() + 2 * 86_400_000));
const SUITE_PG = `postgres://postgres:postgres@127.0.0.1:${PG_PORT}`;
const DATABASE = `berth_e2e_unavailable_${process.pid}`;

/**
 * A node of this test's own whose database is reached through a gate the test can shut: shut, the
 * node loses every connection and cannot open one, as when PostgreSQL restarts or fails over,
 * while the suite's node, on the same PostgreSQL, goes on.
 */
let berth: BerthProcess;
let gate: TcpGate;
beforeAll(async () => {
  const admin = new pg.Client({ connectionString: `${SUITE_PG}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.query(`create database ${DATABASE}`);
  await admin.end();
  gate = await startTcpGate(Number(PG_PORT));
  berth = await startBerth(
    { DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${gate.port}/${DATABASE}` },
    'unavailable',
  );
}, 150_000);
afterAll(async () => {
  await berth?.stop();
  await gate?.close();
  const admin = new pg.Client({ connectionString: `${SUITE_PG}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.end();
});

async function api<T>(path: string): Promise<T> {
  const ack = (await (await fetch(`${berth.url}${path}`)).json()) as Ack<T>;
  if (!ack.ok) throw new Error(`${path}: ${ack.error.message}`);
  return ack.data;
}

describe('the database out of reach: the client retries with the same key, and says so', () => {
  it('shows "Busy, retrying…" while the node cannot reach PostgreSQL, then holds the seat once it can', async () => {
    const [run] = await api<SearchResult[]>(`/api/search?from=NDLS&to=BCT&date=${DATE}`);
    const map = await api<SeatMap>(`/api/runs/${run!.runId}/seats?from=NDLS&to=BCT`);
    const mySeat = map.seats.find((s) => canHold(s) && s.classCode === 'SL')!;

    const context = await newContext(browser(), berth.url);
    await newUser(context, berth.url, 'Steadfast');
    const page = await context.newPage();
    await page.goto(`/runs/${run!.runId}?from=NDLS&to=BCT&class=SL&date=${DATE}`);
    const seat = page.locator(`[data-seat="${mySeat.seatId}"]`);
    await seat.waitFor({ timeout: 15_000 });
    await seat.click();
    await page.getByLabel('Age').first().fill('52');
    await page.getByLabel('Full name').first().fill('Steadfast Passenger');

    gate.shut();
    try {
      await page.getByTestId('hold-button').click();
      await expect
        .poll(() => page.getByTestId('hold-button').textContent(), { timeout: 10_000 })
        .toContain('Busy, retrying');
      await screenshot(page, 'hold-database-retrying');
      // Long enough for more than one UNAVAILABLE answer (each asks for a wait of 1-1.5 s).
      await page.waitForTimeout(3_000);
      expect(await page.getByTestId('hold-button').textContent()).toContain('Busy, retrying');
    } finally {
      gate.open();
    }
    await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 20_000 });
    await page.getByTestId('countdown').waitFor();
    expect(await page.getByTestId('booking-seats').textContent()).toContain('Steadfast Passenger');

    // One hold, whatever the attempts while the database was away: they shared one key.
    const db = new pg.Client({ connectionString: `${SUITE_PG}/${DATABASE}` });
    await db.connect();
    const { rows } = await db.query<{ n: string }>(
      `select count(*) as n from booking_seats where seat_id = $1`,
      [mySeat.seatId],
    );
    await db.end();
    expect(Number(rows[0]!.n)).toBe(1);
    await context.close();
  }, 120_000);
});
