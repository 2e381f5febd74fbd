import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import {
  canHold,
  type Ack,
  type AuthTokens,
  type BookingView,
  type GatewaySettingsView,
  type SearchResult,
  type SeatMap,
} from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { launchBrowser, newContext, newUser, screenshot, signIn } from './support/browser.ts';

const url = inject('berthUrl');
/** Live updates get 5 s on a busy machine (expect.poll alone gives up after 1 s). */
const eventually = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 5_000, ...opts });
const ADMIN = { email: 'admin@berth.dev', password: 'admin-berth-2026' };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: AuthTokens;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser, url);
  admin = await signIn(context, url, ADMIN.email, ADMIN.password);
  page = await context.newPage();
});
afterAll(async () => {
  // Other payment tests share the server: leave the gateway as it was found.
  await putGateway({ failureRate: 0 }).catch(() => undefined);
  await context?.close();
  await browser?.close();
});

describe('the admin dashboard', () => {
  it('shows figures, occupancy, nodes and the audit trail, with paging', async () => {
    // More than a page of audit rows (10): hold and release six seats, two rows each.
    const userContext = await newContext(browser, url);
    const user = await newUser(userContext, url, 'Auditee');
    for (let i = 0; i < 6; i++) {
      const held = await hold(user.accessToken);
      await command(user.accessToken, 'hold:release', { bookingId: held.id });
    }
    await userContext.close();

    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    const stats = page.getByTestId('admin-stats');
    await stats.waitFor();
    expect(await stats.textContent()).toContain('Revenue');
    expect(await stats.textContent()).toContain('released');

    const chart = page.getByRole('figure', { name: 'Occupancy' });
    await chart.waitFor();
    expect(await chart.getByRole('img', { name: /Train 12010, class CC/ }).count()).toBeGreaterThan(
      0,
    );
    await chart.getByText('Show as a table').click();
    expect(await chart.getByRole('table').getByRole('row').count()).toBeGreaterThan(5);

    // The audit trail, filtered to what this test did (other files share the server, and their
    // holds expire at any moment): newest first, 10 a page, and an older page.
    const entries = page.getByTestId('audit-entry');
    await entries.first().waitFor();
    await page.getByLabel('Actor').fill(`user:${user.user.id}`);
    await page.getByLabel('Per page').selectOption('10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(() => entries.count()).toBe(10);
    expect(await entries.first().textContent()).toContain('RELEASE');
    const firstOnPage1 = await entries.first().textContent();
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    await eventually(() => entries.count()).toBe(2); // 12 rows: 6 holds and 6 releases
    expect(await entries.first().textContent()).not.toBe(firstOnPage1);
    await page.getByRole('button', { name: '← Newer' }).click();
    await eventually(() => entries.first().textContent()).toBe(firstOnPage1);

    // Filtering by action as well shows only that action: this user's six holds.
    await page.getByLabel('Action').fill('HOLD');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => {
      const texts = await entries.allTextContents();
      return texts.length === 6 && texts.every((t) => t.includes('HOLD'));
    }).toBe(true);

    // Live node figures: at least this page's own socket, once the server offers them.
    const nodes = page.getByTestId('node-stats');
    await eventually(async () => {
      const text = (await nodes.textContent()) ?? '';
      if (text.includes('not available')) return 'not available';
      const shown = nodes.getByTestId('node-connections');
      if ((await shown.count()) === 0) return 'waiting';
      const n = Number(await shown.first().textContent());
      return n >= 1 ? 'ok' : 'waiting';
    }).not.toBe('waiting');
    await chart.getByText('Show as a table').click(); // closed again: the chart is the picture
    await screenshot(page, 'admin');
  });

  it('changes the gateway failure rate and saves it', async () => {
    const slider = page.getByLabel('Failure rate');
    await slider.focus();
    // From zero, whatever an earlier test left: six steps of 5%.
    await page.keyboard.press('Home');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('gateway-failure-rate').textContent()).toBe('30%');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await getGateway()).failureRate).toBeCloseTo(0.3);

    // Back to zero through the same form.
    await slider.focus();
    await page.keyboard.press('Home');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => (await getGateway()).failureRate).toBe(0);
  });

  it('tells a passenger politely that the page is for administrators', async () => {
    const other = await newContext(browser, url);
    await signIn(other, url, 'bob@berth.dev', 'bob-berth-2026');
    const p = await other.newPage();
    await p.goto('/admin');
    await p.getByRole('heading', { name: 'For administrators only' }).waitFor();
    expect(await p.getByTestId('admin-stats').count()).toBe(0);
    await other.close();
  });

  it('fits a phone screen', async () => {
    const phone = await newContext(browser, url, { width: 390, height: 844 });
    await signIn(phone, url, ADMIN.email, ADMIN.password);
    const p = await phone.newPage();
    await p.goto('/admin');
    await p.getByTestId('admin-stats').waitFor();
    await p.getByTestId('occupancy-chart').waitFor();
    await p.getByTestId('audit-entry').first().waitFor();
    const overflow = await p.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(p, 'admin-phone');
    await phone.close();
  });
});

async function getGateway(): Promise<GatewaySettingsView> {
  const res = await fetch(`${url}/api/admin/gateway`, {
    headers: { authorization: `Bearer ${admin.accessToken}` },
  });
  const ack = (await res.json()) as Ack<GatewaySettingsView>;
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.data;
}

async function putGateway(patch: Partial<GatewaySettingsView>): Promise<void> {
  await fetch(`${url}/api/admin/gateway`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
}

async function api<T>(path: string): Promise<T> {
  const ack = (await (await fetch(`${url}${path}`)).json()) as Ack<T>;
  if (!ack.ok) throw new Error(`${path}: ${ack.error.message}`);
  return ack.data;
}

/** One socket command as the given user; rejects on an error ack. */
async function command(token: string, event: string, payload: unknown): Promise<BookingView> {
  const socket = io(url, { transports: ['websocket'], auth: { token } });
  try {
    return await new Promise<BookingView>((resolve, reject) => {
      socket.timeout(10_000).emit(event, payload, (err: Error | null, ack: Ack<BookingView>) => {
        if (err) reject(err);
        else if (!ack.ok) reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`));
        else resolve(ack.data);
      });
    });
  } finally {
    socket.disconnect();
  }
}

/** A one-seat hold on train 12010, five days out (no other test books there). */
async function hold(token: string): Promise<BookingView> {
  const date = todayInIndia(new Date(Date.now() + 5 * 86_400_000));
  const results = await api<SearchResult[]>(`/api/search?from=ADI&to=ST&date=${date}`);
  const run = results.find((r) => r.trainNumber === '12010');
  if (!run) throw new Error(`no 12010 run on ${date}`);
  const map = await api<SeatMap>(`/api/runs/${run.runId}/seats?from=ADI&to=ST`);
  const free = map.seats.filter((s) => canHold(s));
  const seat = free[Math.floor(Math.random() * free.length)];
  if (!seat) throw new Error('no free seat');
  return command(token, 'hold:create', {
    runId: run.runId,
    from: 'ADI',
    to: 'ST',
    seatIds: [seat.seatId],
    passengers: [{ name: 'Audit Person', age: 40 }],
    idempotencyKey: crypto.randomUUID(),
  });
}
