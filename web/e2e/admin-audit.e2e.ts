import { describe, expect, inject, it } from 'vitest';
import { newContext, screenshot, signIn, useBrowser } from './support/browser.ts';
import { holdSeat, register, release } from './support/passenger.ts';

const url = inject('berthUrl');
const browser = useBrowser();
const ADMIN = { email: 'admin@berth.dev', password: 'admin-berth-2026' };

describe('the admin audit trail', () => {
  it('names the user behind `user:N`, and still filters by the raw actor', async () => {
    const passenger = await register(url, 'Farida Audited');
    const held = await holdSeat(url, passenger, {
      train: '12904',
      from: 'NDLS',
      to: 'KOTA',
      daysOut: 6,
    });
    await release(url, passenger, held.id);
    const raw = `user:${passenger.user.id}`;

    const context = await newContext(browser(), url);
    await signIn(context, url, ADMIN.email, ADMIN.password);
    const page = await context.newPage();
    await page.goto('/admin');
    const entries = page.getByTestId('audit-entry');
    await entries.first().waitFor({ timeout: 15_000 });

    const filter = async (actor: string) => {
      await page.getByLabel('Actor').fill(actor);
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => entries.count(), { timeout: 5_000 }).toBe(2);
    };

    // Her hold and its release, each saying who she is next to the raw actor.
    await filter(raw);
    const rows = await entries.allInnerTexts();
    expect(rows).toEqual([expect.stringContaining('RELEASE'), expect.stringContaining('HOLD')]);
    for (const row of rows) {
      expect(row).toContain('Farida Audited');
      expect(row).toContain(passenger.email);
      expect(row).toContain(raw);
    }
    await screenshot(page, 'admin-audit');

    // An admin knows people by email: that filters too, in any case.
    await filter(passenger.email.toUpperCase());
    expect(await entries.getByTestId('audit-actor').allInnerTexts()).toEqual([
      expect.stringContaining(raw),
      expect.stringContaining(raw),
    ]);

    // The raw actor is one click away as a filter of its own.
    await entries.first().getByRole('button', { name: raw }).click();
    await expect.poll(() => page.getByLabel('Actor').inputValue()).toBe(raw);
    await expect.poll(() => entries.count(), { timeout: 5_000 }).toBe(2);
    await context.close();
  });
});
