import { describe, expect, inject, it } from 'vitest';
import type { AuthTokens } from '@berth/shared';
import { useBrowser, newContext } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

async function register(name: string): Promise<AuthTokens> {
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      email: `${name}-${stamp}@e2e.test`,
      password: 'e2e-password-123',
    }),
  });
  return ((await res.json()) as { data: AuthTokens }).data;
}

describe('the session', () => {
  it('sign out everywhere ends the sign-in on this device and on another', async () => {
    const tokens = await register('everywhere');
    const devices = await Promise.all([newContext(browser(), url), newContext(browser(), url)]);
    const pages = [];
    for (const device of devices) {
      // Each device signed in on its own: its own sign-in (refresh-token family).
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: tokens.user.email, password: 'e2e-password-123' }),
      });
      const own = ((await res.json()) as { data: AuthTokens }).data;
      await device.addInitScript((stored) => {
        if (!localStorage.getItem('berth.session')) localStorage.setItem('berth.session', stored);
      }, JSON.stringify(own));
      const page = await device.newPage();
      await page.goto('/bookings');
      await page.getByText('You have no bookings yet.').waitFor();
      pages.push(page);
    }
    const [phone, laptop] = pages as [(typeof pages)[0], (typeof pages)[0]];
    await phone.getByTestId('sign-out-everywhere').click();
    await phone.getByText('Sign in to see your bookings').waitFor();
    expect(await phone.getByTestId('signed-in-as').count()).toBe(0);
    // The laptop learns on its next call: its refresh is refused, and it shows signed out.
    await laptop.reload();
    await laptop.getByText('Sign in to see your bookings').waitFor({ timeout: 10_000 });
    for (const device of devices) await device.close();
  });

  it('renews the access token in the background without reloading the page', async () => {
    const tokens = await register('renewer');
    const context = await newContext(browser(), url);
    // The stored token claims to expire in 62 s, so the app renews it (a minute early) at once.
    await context.addInitScript(
      (stored) => {
        if (!localStorage.getItem('berth.session')) localStorage.setItem('berth.session', stored);
      },
      JSON.stringify({ ...tokens, accessExpiresAt: new Date(Date.now() + 62_000).toISOString() }),
    );
    const page = await context.newPage();
    let listLoads = 0;
    page.on('request', (req) => {
      if (req.method() === 'GET' && new URL(req.url()).pathname === '/api/bookings') listLoads++;
    });
    await page.goto('/bookings');
    await page.getByText('You have no bookings yet.').waitFor();
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    const stored = () =>
      page.evaluate(
        () => JSON.parse(localStorage.getItem('berth.session') ?? 'null') as AuthTokens,
      );
    await expect
      .poll(async () => (await stored()).refreshToken, { timeout: 10_000 })
      .not.toBe(tokens.refreshToken);
    const renewed = await stored();
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect(renewed.user.id).toBe(tokens.user.id);
    // Same page, same socket, still signed in and live.
    expect(
      await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere),
    ).toBe(true);
    expect(await page.getByTestId('connection').getAttribute('data-status')).toBe('online');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('renewer');
    // The same user with a new token: the page keeps its list instead of loading it afresh.
    expect(listLoads).toBe(1);
    // The old refresh token is spent: the server rotated it.
    const reuse = await fetch(`${url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    });
    expect(reuse.status).toBe(401);
    await context.close();
  });
});
