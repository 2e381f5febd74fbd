import { describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { SearchResult } from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, newUser, screenshot, useBrowser } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();
const DATE = todayInIndia(new Date(Date.now() + 3 * 86_400_000));

/**
 * A network switch for one page's Socket.IO connection: while it is off, the live socket is cut
 * and every reconnect is refused, as a dropped Wi-Fi would; HTTP is untouched.
 */
async function networkSwitch(page: Page) {
  let off = false;
  const open = new Set<{ close(): Promise<void> }>();
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (off) return void ws.close();
    ws.connectToServer();
    open.add(ws);
    ws.onClose(() => open.delete(ws));
  });
  return {
    async off() {
      off = true;
      await Promise.all([...open].map((ws) => ws.close()));
    },
    on() {
      off = false;
    },
  };
}

const status = (page: Page) => page.getByTestId('connection').first().getAttribute('data-status');

async function firstRun(): Promise<SearchResult> {
  const res = await fetch(`${url}/api/search?from=NDLS&to=BCT&date=${DATE}`);
  const ack = (await res.json()) as { ok: boolean; data: SearchResult[] };
  return ack.data[0]!;
}

describe('going offline and coming back', () => {
  it('the seat map says it may be stale and holds wait; once back, nothing stale or offline remains', async () => {
    const context: BrowserContext = await newContext(browser(), url);
    await newUser(context, url, 'Wanderer');
    const page = await context.newPage();
    const network = await networkSwitch(page);
    const run = await firstRun();
    await page.goto(`/runs/${run.runId}?from=NDLS&to=BCT&class=SL&date=${DATE}`);
    const seat = page.locator('[data-seat][data-state="free"]:not([aria-disabled])').first();
    await seat.waitFor({ timeout: 15_000 });
    await seat.click();
    await page.getByLabel('Age').first().fill('33');
    await page.getByLabel('Full name').first().fill('Wanderer');
    const holdButton = page.getByTestId('hold-button');
    await expect.poll(() => holdButton.isEnabled()).toBe(true);

    await network.off();
    await expect.poll(() => status(page), { timeout: 5_000 }).toBe('reconnecting');
    await page.getByTestId('map-stale').waitFor({ timeout: 5_000 });
    await page.getByTestId('hold-offline').waitFor();
    expect(await holdButton.isEnabled()).toBe(false);
    await screenshot(page, 'seat-map-offline');

    network.on();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    await page.getByTestId('map-stale').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.getByTestId('hold-offline').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => holdButton.isEnabled()).toBe(true);
    await holdButton.click();
    await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });

    // The booking page: paying waits for the connection, and says why.
    const pay = page.getByTestId('pay-button');
    await pay.waitFor();
    await network.off();
    await page.getByTestId('booking-offline').waitFor({ timeout: 5_000 });
    expect(await pay.isEnabled()).toBe(false);
    network.on();
    await page.getByTestId('booking-offline').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.getByTestId('booking-error').count()).toBe(0);
    await expect.poll(() => pay.isEnabled()).toBe(true);
    await context.close();
  });

  it('search results stop saying "Live seats" while the connection is down', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    const network = await networkSwitch(page);
    const run = await firstRun();
    await page.goto(`/?from=NDLS&to=BCT&date=${DATE}`);
    const card = page.getByTestId(`result-${run.trainNumber}`);
    await card.getByText('Live seats').waitFor({ timeout: 15_000 });
    await network.off();
    await card.getByText(/Reconnecting/).waitFor({ timeout: 5_000 });
    expect(await card.getByText('Live seats').count()).toBe(0);
    network.on();
    await card.getByText('Live seats').waitFor({ timeout: 15_000 });
    await context.close();
  });
});
