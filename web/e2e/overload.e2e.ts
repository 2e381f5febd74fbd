import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canHold, type Ack, type SearchResult, type SeatMap } from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, newUser, screenshot, useBrowser } from './support/browser.ts';
import { register } from './support/passenger.ts';
import { startBerth, type BerthProcess } from './support/server.ts';

const browser = useBrowser();
const DATE = todayInIndia(new Date(Date.now() + 2 * 86_400_000));

/**
 * A node of this test's own with one database connection and no queue (depth 0), that asks the
 * turned-away to come back after 3 s: long enough for the test to clear the jam first.
 */
let berth: BerthProcess;
beforeAll(async () => {
  berth = await startBerth(
    { DB_POOL_MAX: '1', OVERLOAD_QUEUE_DEPTH: '0', OVERLOAD_RETRY_AFTER_MS: '3000' },
    'overload',
  );
}, 150_000);
afterAll(async () => {
  await berth?.stop();
});

async function api<T>(path: string): Promise<T> {
  const ack = (await (await fetch(`${berth.url}${path}`)).json()) as Ack<T>;
  if (!ack.ok) throw new Error(`${path}: ${ack.error.message}`);
  return ack.data;
}

/** The node's gauge of requests waiting for its one connection. */
async function poolWaiters(): Promise<number> {
  const text = await (await fetch(`${berth.url}/metrics`)).text();
  return Number(/^berth_db_pool_waiters (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('a busy server: the client retries once, with the same key, and says so', () => {
  it('shows "Busy, retrying…" while the node is overloaded, then holds the seat', async () => {
    const [run] = await api<SearchResult[]>(`/api/search?from=NDLS&to=BCT&date=${DATE}`);
    const map = await api<SeatMap>(`/api/runs/${run!.runId}/seats?from=NDLS&to=BCT`);
    const free = map.seats.filter((s) => canHold(s) && s.classCode === 'SL');
    const [jamSeat, mySeat] = [free[0]!, free[1]!];

    const context = await newContext(browser(), berth.url);
    await newUser(context, berth.url, 'Patient');
    const page = await context.newPage();
    await page.goto(`/runs/${run!.runId}?from=NDLS&to=BCT&class=SL&date=${DATE}`);
    const seat = page.locator(`[data-seat="${mySeat.seatId}"]`);
    await seat.waitFor({ timeout: 15_000 });
    await seat.click();
    await page.getByLabel('Age').first().fill('41');
    await page.getByLabel('Full name').first().fill('Patient Passenger');

    // The jam: another passenger's hold takes the node's only connection and waits on a seat
    // row this test has locked; the node's background jobs then queue for the connection.
    const db = new pg.Client({
      connectionString: `postgres://postgres:postgres@127.0.0.1:${berth.pgPort}/postgres`,
    });
    await db.connect();
    const other = await register(berth.url, 'Jammer');
    const socket = io(berth.url, { transports: ['websocket'], auth: { token: other.accessToken } });
    try {
      await db.query('begin');
      await db.query('select id from seats where id = $1 for update', [jamSeat.seatId]);
      const jam = {
        runId: run!.runId,
        from: 'NDLS',
        to: 'BCT',
        seatIds: [jamSeat.seatId],
        passengers: [{ name: 'Jammer', age: 30 }],
        idempotencyKey: crypto.randomUUID(),
      };
      // Sent again if the node was already busy with a job at that instant.
      const sendJam = () =>
        socket.emit('hold:create', jam, (ack: Ack<unknown>) => {
          if (!ack.ok && ack.error.code === 'OVERLOADED') sendJam();
        });
      sendJam();
      await expect
        .poll(
          async () =>
            (
              await db.query(
                `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
              )
            ).rowCount,
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0);
      await expect.poll(poolWaiters, { timeout: 15_000 }).toBeGreaterThan(0);

      await page.getByTestId('hold-button').click();
      await expect
        .poll(() => page.getByTestId('hold-button').textContent(), { timeout: 5_000 })
        .toContain('Busy, retrying');
      await screenshot(page, 'hold-busy-retrying');
    } finally {
      // The jam clears well before the client's retry is due.
      await db.query('rollback').catch(() => undefined);
      await db.end();
    }
    await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
    await page.getByTestId('countdown').waitFor();
    expect(await page.getByTestId('booking-seats').textContent()).toContain('Patient Passenger');
    socket.disconnect();
    await context.close();
  }, 120_000);
});
