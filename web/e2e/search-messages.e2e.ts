import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, screenshot, useBrowser } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();
const day = (n: number) => todayInIndia(new Date(Date.now() + n * 86_400_000));

/** Opens the search page for a query in the address; resolves to what it answered, in words. */
async function searched(page: Page, from: string, to: string, date: string): Promise<string> {
  await page.goto(`/?from=${from}&to=${to}&date=${date}`);
  const answer = page.locator('section.results');
  // Until the server answers, the section says "Searching…".
  await expect
    .poll(async () => !(await answer.innerText()).includes('Searching'), { timeout: 15_000 })
    .toBe(true);
  return answer.innerText();
}

/** Links on the page back to the very search it shows. */
const sameSearch = (page: Page, from: string, to: string, date: string) =>
  page.locator(`main a[href="/?from=${from}&to=${to}&date=${date}"]`).count();

describe('a search with no trains says why', () => {
  it('the date field offers only the days the server takes (its calendar: today to the last day)', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    await page.goto('/');
    const field = page.getByLabel('Date of journey');
    await expect.poll(() => field.getAttribute('max'), { timeout: 10_000 }).toBe(day(6));
    expect(await field.getAttribute('min')).toBe(day(0));
    expect(await field.inputValue()).toBe(day(0));
    await context.close();
  });

  it('a day that has passed: says so and offers today, not the same route again', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    const answer = await searched(page, 'NDLS', 'BCT', day(-1));
    expect(answer).toMatch(/has already passed/);
    expect(answer).not.toMatch(/No trains run/);
    expect(await sameSearch(page, 'NDLS', 'BCT', day(-1))).toBe(0);
    const problem = page.getByTestId('search-problem');
    const today = problem.getByRole('link', { name: /Search today/ });
    expect(await today.getAttribute('href')).toBe(`/?from=NDLS&to=BCT&date=${day(0)}`);
    await screenshot(page, 'search-past-day');
    await context.close();
  });

  it('a day past the booking window: says bookings are not open yet, with the last day', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    const answer = await searched(page, 'NDLS', 'BCT', day(40));
    // The e2e server keeps the default window: today and the six days after it.
    expect(answer).toMatch(/not open yet: you can book for today and the next 6 days/);
    expect(await sameSearch(page, 'NDLS', 'BCT', day(40))).toBe(0);
    const problem = page.getByTestId('search-problem');
    const last = problem.getByRole('link', { name: /^Search / });
    expect(await last.getAttribute('href')).toBe(`/?from=NDLS&to=BCT&date=${day(6)}`);
    await screenshot(page, 'search-after-window');
    await last.click();
    await page.getByTestId('result-12904').waitFor({ timeout: 15_000 });
    await context.close();
  });

  it('the same station twice: says it is the same station and suggests nothing', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    const answer = await searched(page, 'BCT', 'BCT', day(1));
    expect(answer).toMatch(/same station/);
    expect(answer).not.toMatch(/No trains run/);
    expect(await page.locator('section.results a').count()).toBe(0);
    await screenshot(page, 'search-same-station');
    await context.close();
  });

  it('a day with no trains on a route: other routes, never the one just searched', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    // Nothing runs north out of Mumbai in the demo catalog.
    const answer = await searched(page, 'BCT', 'NDLS', day(1));
    expect(answer).toMatch(/No trains run from BCT to NDLS/);
    expect(await sameSearch(page, 'BCT', 'NDLS', day(1))).toBe(0);
    expect(await page.locator('section.results a').count()).toBe(3);
    await context.close();
  });
});
