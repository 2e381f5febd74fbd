import { todayInIndia } from '../src/lib/format/format.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { SearchResult } from '@berth/shared';
import { launchBrowser, newContext, newUser, screenshot } from './support/browser.ts';

const url = inject('berthUrl');
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A date other helpers' tests are unlikely to book on: the day after tomorrow, in India. */
const DATE = todayInIndia(new Date(Date.now() + 2 * 86_400_000));

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

/** A fresh user in their own browser profile (fresh users never collide on journey overlaps). */
async function person(name: string, viewport?: { width: number; height: number }) {
  const context = await newContext(browser, url, viewport);
  contexts.push(context);
  await newUser(context, url, name);
  return context;
}

async function runOf(train: string, from: string, to: string): Promise<number> {
  const res = await fetch(`${url}/api/search?from=${from}&to=${to}&date=${DATE}`);
  const ack = (await res.json()) as { ok: boolean; data: SearchResult[] };
  const run = ack.data.find((r) => r.trainNumber === train);
  if (!run) throw new Error(`no run of ${train} ${from}->${to} on ${DATE}`);
  return run.runId;
}

interface Journey {
  train: string;
  from: string;
  to: string;
  classCode: string;
}
const JAIPUR_MUMBAI: Journey = { train: '12956', from: 'JP', to: 'BCT', classCode: 'SL' };
const SHATABDI: Journey = { train: '12010', from: 'ADI', to: 'BCT', classCode: 'CC' };

async function openMap(context: BrowserContext, j: Journey, runId: number): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/runs/${runId}?from=${j.from}&to=${j.to}&class=${j.classCode}&date=${DATE}`);
  await page.locator('[data-seat]').first().waitFor({ timeout: 15_000 });
  return page;
}

const seat = (page: Page, id: number): Locator => page.getByTestId(`seat-${id}`);

/** A free seat of the coach on screen, chosen at random so tests do not queue for one seat. */
async function freeSeat(page: Page, except: number[] = []): Promise<number> {
  const ids = await page
    .locator('[data-seat][data-state="free"]:not([aria-disabled])')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))));
  const choices = ids.filter((id) => !except.includes(id));
  if (choices.length === 0) throw new Error('no free seat on this coach');
  return choices[Math.floor(Math.random() * choices.length)]!;
}

/** Picks seats on the map, fills the passengers in and holds; resolves on the booking page. */
async function hold(page: Page, seatIds: number[]): Promise<string> {
  for (const id of seatIds) await seat(page, id).click();
  const ages = page.getByLabel('Age');
  for (let i = 0; i < seatIds.length; i++) await ages.nth(i).fill(String(30 + i));
  const names = page.getByLabel('Full name');
  for (let i = 0; i < seatIds.length; i++) {
    if (!(await names.nth(i).inputValue())) await names.nth(i).fill(`Traveller ${i + 1}`);
  }
  await page.getByTestId('hold-button').click();
  await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
  return (await page.getByTestId('pnr').textContent())!.trim();
}

const stateOf = (page: Page, id: number) => () => seat(page, id).getAttribute('data-state');

describe('the passenger flow', () => {
  it('shows live results for a search kept in the URL', async () => {
    const context = await newContext(browser, url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    // A newcomer finds a train at once: New Delhi to Mumbai is filled in and searched.
    await expect.poll(() => page.getByLabel('From', { exact: true }).inputValue()).toBe('NDLS');
    // Today's 12904 may already have left (then it says so instead of Live): Live is checked on
    // a later date below, so the test does not depend on the time of day.
    await page.getByTestId('result-12904').waitFor({ timeout: 15_000 });

    await page.getByLabel('From', { exact: true }).fill('KOTA');
    await page.getByRole('button', { name: 'Swap from and to' }).click();
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('KOTA');
    await page.getByRole('button', { name: 'Swap from and to' }).click();
    await page.getByLabel('Date of journey').fill(DATE);
    await page.getByRole('button', { name: 'Search trains' }).click();
    await page.waitForURL(new RegExp(`from=KOTA&to=BCT&date=${DATE}`));
    await page.getByTestId('result-12956').waitFor();
    await page.reload();
    const card = page.getByTestId('result-12904');
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.getByText('Live seats').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('result-12956').count()).toBe(1);
    await screenshot(page, 'search');

    await page.getByTestId('result-12956').getByTestId('class-link-SL').click();
    await page.waitForURL(/\/runs\/\d+\?.*class=SL/);
    await page.locator('[data-seat]').first().waitFor({ timeout: 15_000 });
  });

  it("shows Alice's hold on Bob's open map within seconds", async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const alice = await openMap(await person('Alice'), JAIPUR_MUMBAI, runId);
    const bobContext = await person('Bob');
    const bob = await openMap(bobContext, JAIPUR_MUMBAI, runId);
    // Bob also has the search open: its counts come from the live map, not the search answer.
    const results = await bobContext.newPage();
    await results.goto(`/?from=JP&to=BCT&date=${DATE}`);
    const card = results.getByTestId('result-12956');
    await card.getByText('Live seats').waitFor({ timeout: 15_000 });
    const freeSL = async () => parseInt((await card.getByTestId('free-SL').textContent())!, 10);
    const before = await freeSL();
    const id = await freeSeat(alice);
    await expect.poll(stateOf(bob, id)).toBe('free');

    const pnr = await hold(alice, [id]);
    expect(pnr).toMatch(/^[A-Z0-9]{6,}$/);
    await expect.poll(stateOf(bob, id), { timeout: 5000 }).toBe('held');
    await expect.poll(freeSL, { timeout: 5000 }).toBeLessThan(before);
    await alice.getByTestId('countdown').waitFor();
    await screenshot(alice, 'booking');
  });

  it("shows Alice's payment on Bob's open map and on a kiosk as booked, without a reload", async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const alice = await openMap(await person('Alice'), JAIPUR_MUMBAI, runId);
    const bob = await openMap(await person('Bob'), JAIPUR_MUMBAI, runId);
    const kioskContext = await newContext(browser, url, { width: 1920, height: 1080 });
    contexts.push(kioskContext);
    const kiosk = await kioskContext.newPage();
    await kiosk.goto(`/kiosk/run/${runId}?from=${JAIPUR_MUMBAI.from}&to=${JAIPUR_MUMBAI.to}`);
    const id = await freeSeat(alice);
    const onKiosk = kiosk.getByTestId(`seat-${id}`);
    await onKiosk.waitFor({ timeout: 15_000 });

    await hold(alice, [id]);
    await expect.poll(stateOf(bob, id), { timeout: 5000 }).toBe('held');
    await expect.poll(() => onKiosk.getAttribute('data-state'), { timeout: 5000 }).toBe('held');
    await alice.getByTestId('pay-button').click();
    await alice.getByRole('heading', { name: 'Your ticket is confirmed' }).waitFor();
    await expect.poll(stateOf(bob, id), { timeout: 5000 }).toBe('booked');
    await expect.poll(() => onKiosk.getAttribute('data-state'), { timeout: 5000 }).toBe('booked');
  });

  it("holds without reading the booking again: the hold's answer is what the booking page shows", async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const context = await person('Reader');
    const reads: string[] = [];
    let pushed = false;
    context.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/bookings/')) reads.push(r.url());
    });
    context.on('page', (p) =>
      p.on('websocket', (ws) =>
        ws.on('framereceived', (f) => {
          if (String(f.payload).includes('"booking:updated"')) pushed = true;
        }),
      ),
    );
    const map = await openMap(context, JAIPUR_MUMBAI, runId);
    await hold(map, [await freeSeat(map)]);
    await map.getByTestId('countdown').waitFor();
    // The hold's own booking:updated has arrived, and the page asked for nothing more.
    await expect.poll(() => pushed, { timeout: 5000 }).toBe(true);
    await map.waitForTimeout(300);
    expect(reads).toEqual([]);
  });

  it('shows Bob the seat Alice is looking at', async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const alice = await openMap(await person('Alice'), JAIPUR_MUMBAI, runId);
    const bob = await openMap(await person('Bob'), JAIPUR_MUMBAI, runId);
    const id = await freeSeat(alice);
    expect(await seat(bob, id).getAttribute('data-selecting')).toBeNull();

    await seat(alice, id).focus();
    await expect
      .poll(() => seat(bob, id).getAttribute('data-selecting'), { timeout: 5000 })
      .toBe('true');
    expect(await seat(bob, id).getAttribute('aria-label')).toContain('someone else is looking');
    // The mark lapses by itself a few seconds later.
    await expect
      .poll(() => seat(bob, id).getAttribute('data-selecting'), { timeout: 10_000 })
      .toBeNull();
  });

  it('lets a hold run out: the booking says so and every open map frees the seat', async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const aliceContext = await person('Alice');
    const alice = await openMap(aliceContext, JAIPUR_MUMBAI, runId);
    const aliceMap = await openMap(aliceContext, JAIPUR_MUMBAI, runId);
    const bob = await openMap(await person('Bob'), JAIPUR_MUMBAI, runId);
    const id = await freeSeat(alice);

    await hold(alice, [id]);
    await expect.poll(stateOf(bob, id), { timeout: 5000 }).toBe('held');
    await expect.poll(stateOf(aliceMap, id), { timeout: 5000 }).toBe('yours');

    // HOLD_SECONDS is 25 on the e2e server.
    await alice.getByRole('heading', { name: 'Your hold ran out' }).waitFor({ timeout: 40_000 });
    await expect.poll(stateOf(bob, id), { timeout: 5000 }).toBe('free');
    await expect.poll(stateOf(aliceMap, id), { timeout: 5000 }).toBe('free');
    await expect
      .poll(() => alice.getByTestId('booking-status').textContent(), { timeout: 5000 })
      .toBe('Expired');
    await alice.getByRole('link', { name: 'Pick seats again' }).click();
    await alice.waitForURL(new RegExp(`/runs/${runId}\\?`));
    await expect.poll(stateOf(alice, id), { timeout: 10_000 }).toBe('free');
  }, 90_000);

  it('pays for a hold, shows the ticket, then cancels it with a refund', async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const alice = await openMap(await person('Alice'), JAIPUR_MUMBAI, runId);
    const first = await freeSeat(alice);
    const second = await freeSeat(alice, [first]);
    const pnr = await hold(alice, [first, second]);

    // A decline (if an admin made the gateway flaky) is retried with the button, as a person would.
    for (let attempt = 0; attempt < 3; attempt++) {
      await alice.getByTestId('pay-button').click();
      const outcome = await Promise.race([
        alice
          .getByRole('heading', { name: 'Your ticket is confirmed' })
          .waitFor({ timeout: 15_000 })
          .then(() => 'confirmed'),
        alice
          .getByTestId('booking-error')
          .waitFor({ timeout: 15_000 })
          .then(() => 'declined'),
      ]);
      if (outcome === 'confirmed') break;
    }
    await alice.getByRole('heading', { name: 'Your ticket is confirmed' }).waitFor();
    expect(await alice.getByTestId('pnr').textContent()).toBe(pnr);
    const ticket = alice.getByTestId('ticket');
    expect(await ticket.getByText('12956').count()).toBeGreaterThan(0);
    expect(await ticket.getByRole('row').count()).toBe(3);
    expect(await ticket.getByTestId('fare').textContent()).toMatch(/₹/);
    await screenshot(alice, 'ticket');

    await alice.getByRole('button', { name: 'Cancel booking' }).click();
    await alice.getByRole('button', { name: 'Yes, cancel booking' }).click();
    await alice
      .getByRole('heading', { name: 'This booking is cancelled' })
      .waitFor({ timeout: 15_000 });
    await expect
      .poll(() => alice.getByTestId('refund').textContent(), { timeout: 10_000 })
      .toMatch(/Refund(ed)? .*₹/);
  });

  it('works by keyboard alone: Tab to the map, arrows, Space, and the hold button', async () => {
    const runId = await runOf(SHATABDI.train, SHATABDI.from, SHATABDI.to);
    const page = await openMap(await person('Kiran'), SHATABDI, runId);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return {
          seat: el?.dataset.seat ? Number(el.dataset.seat) : null,
          state: el?.dataset.state ?? null,
          testId: el?.dataset.testid ?? null,
          label: el?.getAttribute('aria-label') ?? el?.closest('label')?.textContent ?? '',
        };
      });
    await page.locator('body').focus();
    for (let i = 0; i < 60 && (await focused()).seat === null; i++)
      await page.keyboard.press('Tab');
    const start = await focused();
    expect(start.seat).not.toBeNull();

    // Arrows move one seat at a time; land on a free seat and pick it with Space.
    await page.keyboard.press('ArrowRight');
    const moved = await focused();
    expect(moved.seat).not.toBe(start.seat);
    for (let i = 0; i < 30 && (await focused()).state !== 'free'; i++) {
      await page.keyboard.press('ArrowDown');
    }
    const picked = (await focused()).seat!;
    await page.keyboard.press('Space');
    await expect.poll(() => seat(page, picked).getAttribute('aria-pressed')).toBe('true');

    // Tab on to the passenger form (the name is filled in from the account) and the button.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (f.label.includes('Age')) await page.keyboard.type('41');
      if (f.testId === 'hold-button') break;
    }
    expect((await focused()).testId).toBe('hold-button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
    await page.getByTestId('countdown').waitFor();
    expect(await page.getByTestId('booking-seats').textContent()).toContain('Kiran');
  });

  it('draws every seat state with a legend (screenshot) and stays usable on a phone', async () => {
    const runId = await runOf(JAIPUR_MUMBAI.train, JAIPUR_MUMBAI.from, JAIPUR_MUMBAI.to);
    const aliceContext = await person('Alice');
    const alice = await openMap(aliceContext, JAIPUR_MUMBAI, runId);
    const bob = await openMap(await person('Bob'), JAIPUR_MUMBAI, runId);
    const carol = await openMap(await person('Carol'), JAIPUR_MUMBAI, runId);

    // Booked: Carol holds and pays.
    const booked = await freeSeat(carol);
    await hold(carol, [booked]);
    await carol.getByTestId('pay-button').click();
    await carol.getByRole('heading', { name: 'Your ticket is confirmed' }).waitFor();
    // Yours: Alice holds.
    const mine = await freeSeat(alice, [booked]);
    await hold(alice, [mine]);
    // Held: Bob holds, last, so his 25 s hold is surely still on when it is checked (first).
    const held = await freeSeat(bob, [booked, mine]);
    await hold(bob, [held]);
    // Alice comes back to the map.
    const map = await openMap(aliceContext, JAIPUR_MUMBAI, runId);
    await expect.poll(stateOf(map, held), { timeout: 5000 }).toBe('held');
    await expect.poll(stateOf(map, mine), { timeout: 5000 }).toBe('yours');
    await expect.poll(stateOf(map, booked), { timeout: 5000 }).toBe('booked');
    // Picked, and someone else looking.
    const pick = await freeSeat(map);
    await seat(map, pick).click();
    const looked = await freeSeat(map, [pick]);
    const bobMap = await openMap(bob.context(), JAIPUR_MUMBAI, runId);
    await seat(bobMap, looked).hover();
    await expect
      .poll(() => seat(map, looked).getAttribute('data-selecting'), { timeout: 5000 })
      .toBe('true');
    await map.getByTestId('seat-legend').waitFor();
    await screenshot(map, 'seat-map');

    // A phone: the coach fits the screen and a tapped seat can be held.
    const phone = await openMap(
      await person('Priya', { width: 390, height: 844 }),
      JAIPUR_MUMBAI,
      runId,
    );
    const box = await phone.locator('[aria-describedby="seat-keys-hint"]').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    const tap = await freeSeat(phone);
    await seat(phone, tap).click();
    await phone.getByTestId('hold-button').scrollIntoViewIfNeeded();
    await screenshot(phone, 'seat-map-phone');
    await phone.getByLabel('Age').fill('29');
    await phone.getByTestId('hold-button').click();
    await phone.waitForURL(/\/booking\//, { timeout: 15_000 });
    await phone.getByTestId('countdown').waitFor();
  }, 90_000);

  it('keeps the seats a passenger picked while signing in', async () => {
    const runId = await runOf(SHATABDI.train, SHATABDI.from, SHATABDI.to);
    const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    const email = `late-${stamp}@e2e.test`;
    const registered = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'late-pass-2026', name: 'Late Signer' }),
    });
    expect(registered.status).toBe(201);
    const context = await newContext(browser, url);
    contexts.push(context);
    const map = await openMap(context, SHATABDI, runId);
    const picked = await freeSeat(map);
    await seat(map, picked).click();
    await map.getByRole('link', { name: 'Sign in to hold' }).click();
    await map.getByLabel('Email').fill(email);
    await map.getByLabel('Password').fill('late-pass-2026');
    await map.getByLabel('Password').press('Enter');
    await map.waitForURL(new RegExp(`/runs/${runId}`), { timeout: 15_000 });
    await expect
      .poll(() => seat(map, picked).getAttribute('aria-pressed'), { timeout: 5000 })
      .toBe('true');
    await map.getByLabel('Full name').fill('Late Signer');
    await map.getByLabel('Age').fill('41');
    await map.getByTestId('hold-button').click();
    await map.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
  });
});
