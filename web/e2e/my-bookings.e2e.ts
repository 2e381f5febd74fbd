import { describe, expect, inject, it } from 'vitest';
import { newContext, screenshot, signIn, useBrowser } from './support/browser.ts';
import { book, cancel, holdSeat, register, release, type Trip } from './support/passenger.ts';

const url = inject('berthUrl');
const browser = useBrowser();

/** Shatabdi 12010, a day of its own per booking: one passenger may not be on two trains at once. */
const trip = (daysOut: number): Trip => ({ train: '12010', from: 'ADI', to: 'BCT', daysOut });

describe('my bookings', () => {
  it('lists upcoming trips first and folds released and cancelled ones under a heading', async () => {
    const account = await register(url, 'Nisha Upcoming');
    // Made in this order so the newest (what the old list showed first) are the dead ones.
    const later = await book(url, account, trip(3));
    const sooner = await book(url, account, trip(1));
    const released = await release(url, account, (await holdSeat(url, account, trip(2))).id);
    const cancelled = await cancel(url, account, (await book(url, account, trip(4))).id);

    const context = await newContext(browser(), url);
    await signIn(context, url, account.email, account.password);
    const page = await context.newPage();
    await page.goto('/bookings');

    await page.getByTestId('booking').first().waitFor({ timeout: 15_000 });
    // The first booking on the page is the next real trip, not the newest dead hold.
    expect(await page.getByTestId('booking').first().getAttribute('data-pnr')).toBe(sooner.pnr);
    const upcoming = page.getByRole('region', { name: /Upcoming trips/ });
    expect(await upcoming.getByRole('heading', { level: 2 }).innerText()).toBe(
      'Upcoming trips (2)',
    );
    // Soonest first.
    expect(
      await upcoming.getByTestId('booking').evaluateAll((els) => els.map((e) => e.dataset.pnr)),
    ).toEqual([sooner.pnr, later.pnr]);

    // The rest is folded away, with its count on the heading.
    const past = page.getByTestId('past-bookings');
    expect(await past.locator('summary').innerText()).toBe('Past and ended (2)');
    const pastCards = past.getByTestId('booking');
    expect(await pastCards.count()).toBe(2);
    expect(await pastCards.first().isVisible()).toBe(false);

    await past.locator('summary').click();
    await pastCards.first().waitFor({ state: 'visible' });
    expect(await pastCards.evaluateAll((els) => els.map((e) => e.dataset.pnr))).toEqual([
      cancelled.pnr,
      released.pnr,
    ]);
    expect(await pastCards.getByTestId('booking-status').allInnerTexts()).toEqual([
      'Cancelled',
      'Released',
    ]);
    await screenshot(page, 'my-bookings-split');
    await context.close();
  });
});
