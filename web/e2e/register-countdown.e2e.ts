import { describe, expect, inject, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { newContext, screenshot, signIn, useBrowser } from './support/browser.ts';
import { holdSeat, register } from './support/passenger.ts';

const url = inject('berthUrl');
const browser = useBrowser();

/** The text of the elements that describe `field` (aria-describedby), in order. */
async function description(field: Locator): Promise<string> {
  return field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no element #${id})`)
      .join(' | '),
  );
}

describe('a newcomer registering and holding seats', () => {
  it('register shows every field problem at once, each tied to its field', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    await page.goto('/register');
    const name = page.getByLabel('Your name');
    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();

    await expect.poll(() => description(name)).toBe('Please tell us your name.');
    expect(await description(email)).toBe('Please enter your email address.');
    expect(await description(password)).toBe(
      'Please add 3 more characters. | At least 8 characters.',
    );
    for (const field of [name, email, password])
      expect(await field.getAttribute('aria-invalid')).toBe('true');
    // All three are on screen together, and the first is where the cursor goes.
    expect(await page.getByText(/^Please /).count()).toBe(3);
    expect(await name.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'register-errors');

    // Fixing a field clears its problem and leaves the others.
    await name.fill('Meera New');
    await email.fill('meera@');
    await expect.poll(() => description(name)).toBe('');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await description(email)).toMatch(/does not look like an email address/);
    expect(await page.getByText(/^Please /).count()).toBe(1);
    await context.close();
  });

  it('the countdown tells a screen reader the time left in proper words', async () => {
    const account = await register(url, 'Ravi Countdown');
    const held = await holdSeat(url, account, {
      train: '12956',
      from: 'KOTA',
      to: 'BCT',
      daysOut: 3,
    });
    const context = await newContext(browser(), url);
    await signIn(context, url, account.email, account.password);
    const page = await context.newPage();
    await page.goto(`/booking/${held.pnr}`);
    const countdown = page.getByTestId('countdown');
    await countdown.waitFor({ timeout: 15_000 });
    // The e2e hold lasts 25 s: under a minute, so seconds only ("1 second", "24 seconds").
    const spoken = (await countdown.locator('.visually-hidden').textContent())?.trim();
    expect(spoken).toMatch(/^(1 second|([2-9]|1\d|2[0-5]) seconds) left$/);
    await context.close();
  });
});
