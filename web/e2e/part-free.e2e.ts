import { todayInIndia } from '../src/lib/format/format.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SearchResult } from '@berth/shared';
import { launchBrowser, newContext, newUser, screenshot } from './support/browser.ts';

const url = inject('berthUrl');
let browser: Browser;
const contexts: BrowserContext[] = [];

/** Three days ahead, in India: a date the other files' tests do not book on. */
const DATE = todayInIndia(new Date(Date.now() + 3 * 86_400_000));
/** The Golden Temple Mail, New Delhi to Mumbai Central by way of Kota, in sleeper class. */
const TRAIN = '12904';

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

async function person(name: string): Promise<BrowserContext> {
  const context = await newContext(browser, url);
  contexts.push(context);
  await newUser(context, url, name);
  return context;
}

async function runId(): Promise<number> {
  const res = await fetch(`${url}/api/search?from=NDLS&to=BCT&date=${DATE}`);
  const ack = (await res.json()) as { ok: boolean; data: SearchResult[] };
  const run = ack.data.find((r) => r.trainNumber === TRAIN);
  if (!run) throw new Error(`no run of ${TRAIN} on ${DATE}`);
  return run.runId;
}

async function openMap(context: BrowserContext, run: number, from: string, to: string) {
  const page = await context.newPage();
  await page.goto(`/runs/${run}?from=${from}&to=${to}&class=SL&date=${DATE}`);
  await page.locator('[data-seat]').first().waitFor({ timeout: 15_000 });
  return page;
}

/** A seat of the coach on screen that is free all along the page's journey, chosen at random. */
async function freeSeat(page: Page): Promise<number> {
  const ids = await page
    .locator('[data-seat][data-state="free"]:not([aria-disabled])')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))));
  if (ids.length === 0) throw new Error('no free seat on this coach');
  return ids[Math.floor(Math.random() * ids.length)]!;
}

describe('a seat sold on part of the route', () => {
  it('shows a passenger on a longer journey where it is still free, and links there', async () => {
    const run = await runId();
    const bob = await openMap(await person('Bob'), run, 'NDLS', 'BCT');
    const id = await freeSeat(bob);
    const onBob = bob.getByTestId(`seat-${id}`);

    // Alice books the seat New Delhi -> Kota only (paid: a bare hold could lapse mid-test).
    const alice = await openMap(await person('Alice'), run, 'NDLS', 'KOTA');
    await alice.getByTestId(`seat-${id}`).click();
    await alice.getByLabel('Age').fill('34');
    await alice.getByTestId('hold-button').click();
    await alice.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
    await alice.getByTestId('pay-button').click();
    await alice.getByRole('heading', { name: 'Your ticket is confirmed' }).waitFor();

    // Bob's open map learns it from the deltas...
    await expect.poll(() => onBob.getAttribute('data-state'), { timeout: 5000 }).toBe('booked');
    await expect
      .poll(() => onBob.getAttribute('title'), { timeout: 5000 })
      .toMatch(/: booked, free from Kota Junction$/);
    // ...and a fresh one from the snapshot.
    await bob.reload();
    await onBob.waitFor({ timeout: 15_000 });
    expect(await onBob.getAttribute('data-state')).toBe('booked');
    expect(await onBob.getAttribute('aria-label')).toContain('booked, free from Kota Junction');
    expect(await onBob.locator('.part-mark').count()).toBe(1);

    // Focused, the map says so in a sentence, with the way to book the free part.
    await onBob.focus();
    const line = bob.getByTestId('part-free-line');
    const said = async () => (await line.textContent())?.replace(/\s+/g, ' ').trim();
    await expect
      .poll(said, { timeout: 5000 })
      .toMatch(
        /^Seat S\d-\d+ [A-Za-z ]+ is booked New Delhi → Kota Junction; it is free from Kota Junction\. See seats Kota Junction → Mumbai Central to book it\.$/,
      );
    // A full-page capture draws the sticky line where the window was: scroll it home first.
    await bob.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await screenshot(bob, 'seat-map-part-free');

    await line.getByRole('link', { name: 'See seats Kota Junction → Mumbai Central' }).click();
    await bob.waitForURL(new RegExp(`/runs/${run}\\?from=KOTA&to=BCT&date=${DATE}&class=SL$`));
    await expect
      .poll(() => bob.getByTestId(`seat-${id}`).getAttribute('data-state'), { timeout: 15_000 })
      .toBe('free');
  });
});
