import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Ack, AuthTokens, GatewaySettingsView } from '@berth/shared';
import { useBrowser, newContext, newUser, screenshot, signIn } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

const sides = (page: Page, outcome: string) =>
  page.locator(`[data-testid="duel-side"][data-outcome="${outcome}"]`);

describe('the race demo', () => {
  it('lets one of two simultaneous holds win, races ten, and shows every race to every watcher', async () => {
    const racer = await newContext(browser(), url);
    await newUser(racer, url, 'Racefan');
    const page = await racer.newPage();
    await page.goto('/race');

    // Someone else just watching the demo, not signed in.
    const watcher = await (await newContext(browser(), url)).newPage();
    await watcher.goto('/race');
    await expect
      .poll(() => watcher.getByTestId('connection').first().getAttribute('data-status'), {
        timeout: 15_000,
      })
      .toBe('online');

    // Both demo passengers signed in, connected and watching the demo coach.
    const both = page.getByRole('button', { name: 'Both at once' });
    await expect.poll(() => both.isEnabled(), { timeout: 20_000 }).toBe(true);
    await both.click();

    await expect.poll(() => sides(page, 'won').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => sides(page, 'lost').count()).toBe(1);
    await expect
      .poll(() => sides(page, 'lost').getByTestId('side-result').innerText())
      .toContain('Someone else got that seat a moment before you');
    await expect
      .poll(() => sides(page, 'won').getByTestId('side-result').innerText())
      .toContain('WON');
    const verdict = await page.getByTestId('duel-verdict').innerText();
    expect(verdict).toMatch(/won\./);
    // Which request left first is drawn on every click, and said.
    expect(await page.getByTestId('duel-first').innerText()).toMatch(
      /^Racer 0[12]'s request left first/,
    );

    // A crowd of ten for one seat.
    await page.getByLabel('Number of racers', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Start race' }).click();
    const latest = page.getByTestId('race-latest');
    await expect.poll(() => latest.getByTestId('race-entry').count(), { timeout: 15_000 }).toBe(10);
    expect(await latest.locator('[data-testid="race-entry"][data-outcome="WON"]').count()).toBe(1);
    expect(
      await latest.locator('[data-testid="race-entry"]:not([data-outcome="WON"])').count(),
    ).toBe(9);
    await expect.poll(() => latest.getByText('WON', { exact: true }).count()).toBe(1);
    await expect
      .poll(() => latest.getByText('Seat already taken', { exact: true }).count())
      .toBe(9);
    const raceId = await latest.getByTestId('race-result').getAttribute('data-race-id');
    expect(raceId).toBeTruthy();
    // Listed in the order the lock let them through: the winner first, the rest after it.
    const order = latest.getByTestId('race-entry');
    expect(await order.first().getAttribute('data-outcome')).toBe('WON');
    expect(await order.first().getByTestId('locked-after').innerText()).toMatch(/^\+0(\.0)? ms$/);

    // The watcher saw the same race arrive, by broadcast.
    await expect
      .poll(
        () =>
          watcher
            .getByTestId('race-latest')
            .getByTestId('race-result')
            .getAttribute('data-race-id'),
        { timeout: 5_000 },
      )
      .toBe(raceId);
    expect(
      await watcher
        .getByTestId('race-latest')
        .locator('[data-testid="race-entry"][data-outcome="WON"]')
        .count(),
    ).toBe(1);
    // The watcher is not signed in: it is asked to sign in before starting races itself.
    expect(await watcher.getByRole('link', { name: 'Sign in' }).count()).toBeGreaterThan(0);
    expect(await watcher.getByRole('button', { name: 'Start race' }).count()).toBe(0);
    // Only admins see the payment gateway's controls.
    expect(await page.getByRole('heading', { name: /Payment gateway/ }).count()).toBe(0);

    // A duel right after the crowd race is decided by the seat's lock again, whoever won the
    // crowd race: each side starts from a clean slate.
    await expect.poll(() => both.isEnabled(), { timeout: 10_000 }).toBe(true);
    await both.click();
    await expect.poll(() => sides(page, 'won').count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => sides(page, 'lost').getByTestId('side-result').innerText())
      .toContain('Someone else got that seat a moment before you');

    await screenshot(page, 'race');
    await racer.close();
    await watcher.context().close();
  });

  it('lets an admin tune the payment gateway from the demo page', async () => {
    const context = await newContext(browser(), url);
    const admin = await signIn(context, url, 'admin@berth.dev', 'admin-berth-2026');
    const page = await context.newPage();
    await page.goto('/race');
    const rate = page.getByLabel(/Failure rate/);
    await rate.waitFor({ timeout: 10_000 });
    const read = async () => {
      const res = await fetch(`${url}/api/admin/gateway`, {
        headers: { authorization: `Bearer ${admin.accessToken}` },
      });
      const ack = (await res.json()) as Ack<GatewaySettingsView>;
      return ack.ok ? ack.data : null;
    };
    const before = await read();
    try {
      await rate.fill('0.25');
      await expect.poll(async () => (await read())?.failureRate, { timeout: 5_000 }).toBe(0.25);
      await expect
        .poll(() => page.getByText('Saved: every node uses these settings now.').count())
        .toBe(1);
    } finally {
      // Put it back for the tests that pay, also when an assertion above failed.
      await fetch(`${url}/api/admin/gateway`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${admin.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ failureRate: before?.failureRate ?? 0 }),
      });
      await context.close();
    }
    expect((await read())?.failureRate).toBe(before?.failureRate ?? 0);
  });

  it('renews each side’s demo session by rotating its refresh token, and signs it out on leaving', async () => {
    const context = await newContext(browser(), url);
    await newUser(context, url, 'Longstay');
    // Each side's demo session claims to expire in 62 s, so it is renewed (a minute early) soon.
    await context.route('**/api/demo/session', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Ack<AuthTokens>;
      if (body.ok) body.data.accessExpiresAt = new Date(Date.now() + 62_000).toISOString();
      await route.fulfill({ response, json: body });
    });
    const calls: string[] = [];
    context.on('request', (req) => {
      const path = new URL(req.url()).pathname;
      if (req.method() === 'POST' && path.startsWith('/api/')) calls.push(path);
    });
    const count = (path: string) => calls.filter((c) => c === path).length;
    const page = await context.newPage();
    await page.goto('/race');
    const both = page.getByRole('button', { name: 'Both at once' });
    await expect.poll(() => both.isEnabled(), { timeout: 20_000 }).toBe(true);

    await expect.poll(() => count('/api/auth/refresh'), { timeout: 15_000 }).toBe(2);
    expect(count('/api/demo/session')).toBe(2);
    // Still connected and racing on the same sockets.
    await both.click();
    await expect.poll(() => sides(page, 'won').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => sides(page, 'lost').count()).toBe(1);

    // Leaving within the app (a reload or a closed tab leaves the sessions to expire).
    await page.getByRole('link', { name: 'Berth', exact: true }).click();
    await expect.poll(() => count('/api/auth/logout'), { timeout: 5_000 }).toBe(2);
    await context.close();
  });
});
