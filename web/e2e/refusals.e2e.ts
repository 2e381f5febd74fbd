import { describe, expect, inject, it } from 'vitest';
import type { SearchResult } from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, newUser, screenshot, useBrowser } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();
/** A day no other test books on this train. */
const DATE = todayInIndia(new Date(Date.now() + 3 * 86_400_000));

describe('refusals that lead somewhere', () => {
  it('a hold refused for an overlapping journey links to the booking it names', async () => {
    const context = await newContext(browser(), url);
    await newUser(context, url, 'Twotrips');
    const page = await context.newPage();
    const res = await fetch(`${url}/api/search?from=JP&to=BCT&date=${DATE}`);
    const run = ((await res.json()) as { data: SearchResult[] }).data.find(
      (r) => r.trainNumber === '12956',
    )!;
    const holdOne = async (except: number[] = []) => {
      await page.goto(`/runs/${run.runId}?from=JP&to=BCT&class=SL&date=${DATE}`);
      await page
        .locator('[data-seat][data-state="free"]:not([aria-disabled])')
        .first()
        .waitFor({ timeout: 15_000 });
      const free = await page
        .locator('[data-seat][data-state="free"]:not([aria-disabled])')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seat'))));
      const choices = free.filter((id) => !except.includes(id));
      const id = choices[Math.floor(Math.random() * choices.length)]!;
      await page.getByTestId(`seat-${id}`).click();
      await page.getByLabel('Age').first().fill('41');
      await page.getByLabel('Full name').first().fill('Two Trips');
      await page.getByTestId('hold-button').click();
      return id;
    };
    const first = await holdOne();
    await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
    const pnr = (await page.getByTestId('pnr').textContent())!.trim();

    // The same journey again, another seat: refused, and the refusal names and links the PNR.
    await holdOne([first]);
    const link = page.getByTestId('overlap-link');
    await link.waitFor({ timeout: 10_000 });
    expect(await link.innerText()).toContain(pnr);
    await screenshot(page, 'journey-overlap');
    await link.click();
    await page.waitForURL(new RegExp(`/booking/${pnr}$`));
    await page.getByRole('button', { name: 'Release hold' }).waitFor();
    await context.close();
  });

  it('an unknown train run says so, with a way back, instead of an empty seat map', async () => {
    const page = await (await newContext(browser(), url)).newPage();
    await page.goto('/runs/999999?from=NDLS&to=BCT');
    const missing = page.getByTestId('run-missing');
    await missing.waitFor({ timeout: 15_000 });
    expect(await missing.getByRole('link', { name: 'Search for a train' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: /^Seat map/ }).count()).toBe(0);
    expect(await page.getByTestId('hold-panel').count()).toBe(0);
    await page.context().close();
  });
});
