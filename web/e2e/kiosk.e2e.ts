import { describe, expect, inject, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import {
  canHold,
  type Ack,
  type AuthTokens,
  type BookingView,
  type ClientToServerEvents,
  type SeatMap,
  type ServerToClientEvents,
} from '@berth/shared';
import { useBrowser, newContext, screenshot } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

/** A brand-new passenger's access token (each hold by another person: no journey overlap). */
async function freshToken(): Promise<string> {
  const email = `kiosk-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'e2e-password-123', name: 'Kiosk Tester' }),
  });
  const ack = (await res.json()) as Ack<AuthTokens>;
  if (!ack.ok) throw new Error(`cannot register: ${ack.error.message}`);
  return ack.data.accessToken;
}

/**
 * Books one free seat of `classCode` over a socket of its own, as any passenger's app would: held,
 * then paid, so the seat stays taken however slowly the test runs (a hold lapses in 25 s here).
 */
async function bookOneSeat(runId: number, from: string, to: string, classCode: string) {
  const res = await fetch(`${url}/api/runs/${runId}/seats?from=${from}&to=${to}`);
  const map = (await res.json()) as Ack<SeatMap>;
  if (!map.ok) throw new Error(map.error.message);
  const free = map.data.seats.filter((s) => s.classCode === classCode && canHold(s));
  const seat = free[Math.floor(Math.random() * free.length)];
  if (!seat) throw new Error(`no free ${classCode} seat`);
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ['websocket'],
    auth: { token: await freshToken() },
  });
  try {
    // emitWithAck does not infer the ack's type from the typed event map: name it.
    const ack = (await socket.timeout(10_000).emitWithAck('hold:create', {
      runId,
      from,
      to,
      seatIds: [seat.seatId],
      passengers: [{ name: 'Kiosk Tester', age: 40 }],
      idempotencyKey: `kiosk-e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    })) as Ack<BookingView>;
    if (!ack.ok) throw new Error(`hold: ${ack.error.code}`);
    // Another test may have left the simulated gateway declining some payments: try again.
    for (let attempt = 1; ; attempt++) {
      const paid = (await socket.timeout(10_000).emitWithAck('booking:pay', {
        bookingId: ack.data.id,
        idempotencyKey: `kiosk-pay-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      })) as Ack<BookingView>;
      if (paid.ok) break;
      if (paid.error.code !== 'PAYMENT_DECLINED' || attempt === 5)
        throw new Error(`pay: ${paid.error.code}`);
    }
  } finally {
    socket.disconnect();
  }
}

const freeOf = async (count: Locator) => Number(await count.getAttribute('data-free'));

describe('the kiosk displays', () => {
  it('shows live departures from New Delhi and recovers from a dropped connection', async () => {
    const context = await newContext(browser(), url, { width: 1920, height: 1080 });
    const page = await context.newPage();
    await page.goto('/kiosk/NDLS');

    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).innerText())
      .toContain('New Delhi');
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('online');
    // The first seeded train to Mumbai that has not left yet (a departed one stays on the board
    // a while, and other tests add trains of their own to Jaipur).
    const row = page
      .locator('[data-testid="departure"][data-departed="false"][data-to="BCT"]')
      .first();
    await row.waitFor({ timeout: 10_000 });
    const runId = Number(await row.getAttribute('data-run-id'));
    const terminus = (await row.getAttribute('data-to'))!;
    const count = row.getByTestId('free-count').first();
    const classCode = (await count.getAttribute('data-class'))!;
    expect(await row.innerText()).toContain('Mumbai Central');
    const before = await freeOf(count);
    expect(before).toBeGreaterThan(0);

    await bookOneSeat(runId, 'NDLS', terminus, classCode);
    await expect.poll(() => freeOf(count), { timeout: 5_000 }).toBe(before - 1);
    await screenshot(page, 'kiosk');

    // Pull the plug: the board says it is reconnecting, then comes back by itself.
    const banner = page.getByTestId('reconnecting-banner');
    const seen = banner.waitFor({ state: 'visible', timeout: 5_000 });
    await page.evaluate(() => window.__berthKiosk!.cut());
    await seen;
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('online');
    await banner.waitFor({ state: 'hidden', timeout: 5_000 });

    // Still live after the reconnect.
    await bookOneSeat(runId, 'NDLS', terminus, classCode);
    await expect.poll(() => freeOf(count), { timeout: 5_000 }).toBe(before - 2);

    // Nothing on the board scrolls off a 1920x1080 display.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollHeight > window.innerHeight,
    );
    expect(overflow).toBe(false);

    // The large seat map of the same run: the whole route by default, and the same figures.
    await page.goto(`/kiosk/run/${runId}`);
    await page.getByTestId('kiosk-coach').first().waitFor({ timeout: 15_000 });
    const classFree = page.locator(`[data-testid="class-free"][data-class="${classCode}"]`);
    await expect.poll(() => freeOf(classFree), { timeout: 5_000 }).toBe(before - 2);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('12904');
    expect(
      await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight),
    ).toBe(false);
    await screenshot(page, 'kiosk-run');
    await context.close();
  });
});
