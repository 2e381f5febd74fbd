import { describe, expect, inject, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { newContext, screenshot, useBrowser } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

/** The smallest computed font size (px) of any text inside `el`: what the eye has to read. */
const smallestText = (el: Locator) =>
  el.evaluate((root) => {
    const sizes: number[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent?.trim() || !n.parentElement) continue;
      sizes.push(parseFloat(getComputedStyle(n.parentElement).fontSize));
    }
    return Math.min(...sizes);
  });

describe('a departures board on a 1080p concourse display', () => {
  it('shows train names of 32 px or more and headers of 24 px or more, without scrolling', async () => {
    const context = await newContext(browser(), url, { width: 1920, height: 1080 });
    const page = await context.newPage();
    // Vadodara: three trains a day call there, so the board is as full as boards get (8 rows).
    await page.goto('/kiosk/BRC');
    const rows = page.getByTestId('departure');
    await rows.first().waitFor({ timeout: 15_000 });
    await expect.poll(() => rows.count()).toBe(8);

    const headers = page.getByRole('columnheader');
    expect(await headers.count()).toBeGreaterThanOrEqual(4);
    for (const header of await headers.all())
      expect(await smallestText(header), await header.innerText()).toBeGreaterThanOrEqual(24);
    for (const row of await rows.all()) {
      // The train column: number and name.
      const train = row.getByRole('cell').nth(1);
      expect(await smallestText(train), await train.innerText()).toBeGreaterThanOrEqual(32);
    }

    const overflow = await page.evaluate(() => ({
      down: document.documentElement.scrollHeight - window.innerHeight,
      across: document.documentElement.scrollWidth - window.innerWidth,
    }));
    expect(overflow).toEqual({ down: 0, across: 0 });
    await screenshot(page, 'kiosk-board-full');
    await context.close();
  });
});
