import { describe, expect, inject, it } from 'vitest';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, screenshot, signIn, useBrowser } from './support/browser.ts';
import { createOwnRun } from './support/db.ts';
import { book, cancel, pay, register, requestPlace, type Trip } from './support/passenger.ts';

const url = inject('berthUrl');
const browser = useBrowser();

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 200 });

/**
 * The waitlist as passengers see it, on a train of the test's own (one chair car of 10 seats, so
 * nothing else books it): a full class offers to ask for places and says what WL means; paid, the
 * place is WL 1; when a seat is cancelled the waitlisted passenger is promoted while their
 * booking page is open in their own browser, and the one behind them moves up to WL 1 in theirs.
 */
describe('the waitlist', () => {
  it('a full class takes a waitlist place, and a cancellation promotes it live in the passenger’s browser', async () => {
    const departsAt = new Date(Date.now() + 6 * 3_600_000); // its chart (4 h before) still ahead
    const run = await createOwnRun(departsAt);
    const daysOut = todayInIndia(departsAt) === todayInIndia() ? 0 : 1;
    const trip: Trip & { classCode: string } = {
      train: run.trainNumber,
      from: 'NDLS',
      to: 'JP',
      daysOut,
      classCode: 'CC',
    };
    // Ten travellers fill the chair car, one seat each.
    const holders = [];
    for (let i = 0; i < 10; i++) {
      const account = await register(url, `Seat Holder ${i + 1}`);
      holders.push({ account, booking: await book(url, account, trip) });
    }

    // The first to wait does it on screen: the full class offers places instead of seats.
    const first = await register(url, 'Wanda Waiting');
    const context = await newContext(browser(), url);
    await signIn(context, url, first.email, first.password);
    const page = await context.newPage();
    await page.goto(`/runs/${run.runId}?from=NDLS&to=JP&class=CC`);
    const panel = page.getByTestId('request-panel');
    await panel.waitFor({ timeout: 15_000 });
    await poll(() => panel.getByTestId('request-label').textContent()).toBe('WL 1');
    // A chair car has no RAC berths: only the waitlist is explained, and it leads to a seat.
    const words = (await panel.textContent()) ?? '';
    expect(words).toContain('Waitlist: no seat yet');
    expect(words).not.toContain('Reservation against cancellation');
    await panel.getByLabel('Age').fill('41');
    await panel.getByTestId('gender-req-0').selectOption('F');
    await screenshot(page, 'request-panel');
    await panel.getByTestId('request-button').click();

    // A held waitlist place, paid like any hold: then it is WL 1.
    await page.waitForURL(/\/booking\/[A-Z0-9]+$/, { timeout: 15_000 });
    expect(await page.getByTestId('place-note').textContent()).toContain('waitlist');
    await page.getByTestId('pay-button').click();
    const standing = page.getByTestId('queue-standing');
    await poll(() => standing.textContent()).toMatch(/Waitlisted:\s*WL 1/);

    // A second passenger waits behind, watching their bookings in a browser of their own.
    const second = await register(url, 'Ravi Behind');
    const behind = await requestPlace(url, second, trip, 'Ravi Behind');
    await pay(url, second, behind.id);
    const otherContext = await newContext(browser(), url);
    await signIn(otherContext, url, second.email, second.password);
    const other = await otherContext.newPage();
    await other.goto('/bookings');
    const card = other.locator(`[data-testid="booking"][data-pnr="${behind.pnr}"]`);
    await poll(() => card.getByTestId('standings').textContent()).toBe('WL 2');

    // Someone cancels a seat: the first waiting passenger is promoted while looking, with no
    // reload, onto the seat that was freed; the one behind moves up.
    const leaving = holders[4]!;
    await cancel(url, leaving.account, leaving.booking.id);
    await poll(() => page.getByTestId('booking-status').textContent()).toBe('Confirmed');
    const freed = leaving.booking.seats[0]!;
    await poll(() => page.getByTestId('passenger-standing').first().textContent()).toBe(
      `CNF ${freed.coach}/${freed.number} ${freed.berth}`,
    );
    await poll(() => card.getByTestId('standings').textContent()).toBe('WL 1');
    // The promoted passenger is told so on whatever page they are; the one behind is not.
    const notice = page.getByTestId('promotion-notice');
    await poll(() => notice.textContent()).toContain(`CNF ${freed.coach}/${freed.number}`);
    expect(await other.getByTestId('promotion-notice').count()).toBe(0);
    await screenshot(page, 'promoted');

    // PNR status, for anyone: each passenger's state.
    const anon = await (await newContext(browser(), url)).newPage();
    await anon.goto(`/pnr/${behind.pnr}`);
    await poll(() => anon.getByTestId('pnr-passenger').first().textContent()).toContain('WL 1');
    await context.close();
    await otherContext.close();
    await anon.context().close();
  });
});
