import { describe, expect, inject, it } from 'vitest';
import { newContext, screenshot, useBrowser } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

describe('an address that is not a page', () => {
  it('explains itself in plain words and links back to search and my bookings', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    // The server cannot know the client's routes: it answers with the app, which says 404.
    const response = await page.goto('/tickets/old-link');
    expect(response?.status()).toBe(200);
    const main = page.locator('main');
    await expect
      .poll(() => main.innerText(), { timeout: 10_000 })
      .toMatch(/We could not find that page/);
    expect(await main.getByRole('heading', { level: 1 }).innerText()).toBe(
      'We could not find that page',
    );
    expect(await main.innerText()).toContain('/tickets/old-link');
    expect(await page.title()).toBe('Page not found · Berth');
    await screenshot(page, 'not-found');

    const ways = page.getByRole('navigation', { name: 'Where to go from here' });
    await ways.getByRole('link', { name: 'My bookings' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/bookings');
    await page.goBack();
    await ways.getByRole('link', { name: 'Find a train' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { name: 'Find a train' }).waitFor();
    await context.close();
  });
});
