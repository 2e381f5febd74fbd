import { describe, expect, inject, it } from 'vitest';
import { io } from 'socket.io-client';
import type { Ack, AuthTokens, BookingView } from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { newContext, newUser, screenshot, useBrowser } from './support/browser.ts';
import { createOwnRun, type OwnRun } from './support/db.ts';

const url = inject('berthUrl');
const browser = useBrowser();

/**
 * A minute ago, or a second past midnight in India if today began less than a minute ago: either
 * way a train of today that has left (a departures board keeps it for two minutes).
 */
function aMinuteAgoToday(): Date {
  const midnight = Date.parse(`${todayInIndia()}T00:00:00+05:30`);
  return new Date(Math.max(Date.now() - 60_000, midnight + 1000));
}

async function holdOver(token: string, run: OwnRun, seatId: number): Promise<Ack<BookingView>> {
  const socket = io(url, { transports: ['websocket'], auth: { token } });
  try {
    return (await socket.timeout(10_000).emitWithAck('hold:create', {
      runId: run.runId,
      from: 'NDLS',
      to: 'JP',
      seatIds: [seatId],
      passengers: [{ name: 'Late Passenger', age: 40 }],
      idempotencyKey: `departed-${Date.now()}-${Math.random()}`,
    })) as Ack<BookingView>;
  } finally {
    socket.disconnect();
  }
}

describe('a train that has left', () => {
  it('is listed greyed as departed, its map is read-only without Hold, and kiosks say so', async () => {
    const left = await createOwnRun(aMinuteAgoToday());
    const soon = await createOwnRun(new Date(Date.now() + 30 * 60_000));
    const context = await newContext(browser(), url);
    const tokens: AuthTokens = await newUser(context, url, 'Latecomer');
    const page = await context.newPage();

    // Search: still listed, greyed, "Departed 07:20", no way into booking it.
    await page.goto(`/?from=NDLS&to=JP&date=${todayInIndia(new Date(left.departsAt))}`);
    const card = page.getByTestId(`result-${left.trainNumber}`);
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.getAttribute('data-departed')).toBe('true');
    expect(await card.getByTestId('departed').innerText()).toMatch(/^Departed \d\d:\d\d$/);
    expect(await card.getByTestId('class-link-CC').count()).toBe(0);
    await screenshot(page, 'search-departed');
    // The one leaving in half an hour is bookable as ever.
    await page.goto(`/?from=NDLS&to=JP&date=${todayInIndia(new Date(soon.departsAt))}`);
    const soonCard = page.getByTestId(`result-${soon.trainNumber}`);
    await soonCard.waitFor({ timeout: 15_000 });
    expect(await soonCard.getAttribute('data-departed')).toBe('false');
    expect(await soonCard.getByTestId('class-link-CC').count()).toBe(1);

    // Its seat map: said plainly, seats cannot be picked, no Hold.
    await page.goto(`/runs/${left.runId}?from=NDLS&to=JP&class=CC`);
    await page.getByTestId('run-departed').waitFor({ timeout: 15_000 });
    await page.getByTestId('hold-closed').waitFor();
    const seat = page.locator('[data-seat][data-state="free"]:not([aria-disabled])').first();
    const seatId = Number(await seat.getAttribute('data-seat'));
    await seat.click();
    expect(await page.getByTestId('hold-panel').count()).toBe(0);
    expect(await page.getByTestId('hold-button').count()).toBe(0);
    await screenshot(page, 'seat-map-departed');
    // And the server refuses a hold by the same rule.
    const refused = await holdOver(tokens.accessToken, left, seatId);
    expect(refused.ok ? 'OK' : refused.error.code).toBe('INVALID_STATE');

    // The departures board: its row says Departed instead of free seats.
    const kiosk = await (await newContext(browser(), url, { width: 1920, height: 1080 })).newPage();
    await kiosk.goto('/kiosk/NDLS');
    const row = kiosk.locator(`[data-testid="departure"][data-run-id="${left.runId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-departed')).toBe('true');
    expect(await row.getByTestId('departed').innerText()).toMatch(/departed/i);
    expect(await row.getByTestId('free-count').count()).toBe(0);
    await screenshot(kiosk, 'kiosk-departed');
    // Its own large map too.
    await kiosk.goto(`/kiosk/run/${left.runId}`);
    await kiosk.getByTestId('run-departed').waitFor({ timeout: 15_000 });
    await kiosk.context().close();
    await context.close();
  });
});
