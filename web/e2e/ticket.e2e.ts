import { describe, expect, inject, it } from 'vitest';
import { dateAndTime } from '../src/lib/format/format.ts';
import { newContext, screenshot, signIn, useBrowser } from './support/browser.ts';
import { book, register } from './support/passenger.ts';

const url = inject('berthUrl');
const browser = useBrowser();

describe('the ticket', () => {
  it('names the stations and shows when it was booked and the payment reference', async () => {
    const account = await register(url, 'Tara Ticket');
    const paid = await book(url, account, {
      train: '12956',
      from: 'KOTA',
      to: 'BCT',
      daysOut: 5,
      classCode: 'SL',
    });
    const context = await newContext(browser(), url);
    await signIn(context, url, account.email, account.password);
    const page = await context.newPage();
    await page.goto(`/booking/${paid.pnr}`);
    await page.getByRole('heading', { name: 'Your ticket is confirmed' }).waitFor({
      timeout: 15_000,
    });
    const ticket = page.getByTestId('ticket');
    const text = await ticket.innerText();
    expect(text).toContain('Kota Junction');
    expect(text).toContain('Mumbai Central');
    // What the passenger would quote to the bank: the reference the server keeps for the charge.
    expect(paid.payment?.reference).toMatch(/\S{8,}/);
    expect(await ticket.getByTestId('payment-reference').innerText()).toBe(paid.payment!.reference);
    expect(await ticket.getByTestId('booked-at').innerText()).toBe(
      dateAndTime(paid.payment!.paidAt),
    );
    await screenshot(page, 'ticket-details');
    await context.close();
  });
});
