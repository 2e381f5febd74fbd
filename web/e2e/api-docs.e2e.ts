import { describe, expect, inject, it } from 'vitest';
import { newContext, useBrowser } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

describe('the API reference at /api/docs', () => {
  it("shows every route group and a route's schema, with nothing loaded from anywhere but the node", async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    const elsewhere: string[] = [];
    const blocked: string[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).origin !== new URL(url).origin && !req.url().startsWith('data:'))
        elsewhere.push(req.url());
    });
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) blocked.push(msg.text());
    });
    const response = await page.goto('/api/docs');
    expect(response?.status()).toBe(200);
    // Swagger UI renders the document the node generated: one tag section per route group.
    for (const tag of ['system', 'auth', 'catalog', 'bookings', 'admin', 'demo']) {
      await page.locator(`#operations-tag-${tag}`).waitFor({ timeout: 15_000 });
    }
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(26);
    await page.locator('#operations-catalog-search').click();
    const search = page.locator('#operations-catalog-search');
    await expect.poll(() => search.innerText(), { timeout: 10_000 }).toContain('date');
    expect(await search.innerText()).toMatch(/from[\s\S]*to[\s\S]*date/);
    expect(elsewhere).toEqual([]);
    expect(blocked).toEqual([]);
    await context.close();
  });
});
