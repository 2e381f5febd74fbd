import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import {
  canHold,
  type Ack,
  type AuthTokens,
  type BookingView,
  type ClientToServerEvents,
  type SearchResult,
  type SeatMap,
  type ServerToClientEvents,
} from '@berth/shared';
import { todayInIndia } from '../src/lib/format/format.ts';
import { launchBrowser, newContext, screenshot } from './support/browser.ts';

const url = inject('berthUrl');
/** Live updates get 5 s on a busy machine (expect.poll alone gives up after 1 s). */
const eventually = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 5_000, ...opts });
const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const user = {
  name: 'Meera Account',
  email: `meera-${stamp}@e2e.test`,
  password: 'meera-pass-2026',
};
/** Printed on the booking; the public PNR page must never show it. */
const PASSENGER = 'Kavya Traveller';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let confirmedPnr = '';

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser, url);
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('accounts and my bookings', () => {
  it('registers through the form and lands signed in where it was going', async () => {
    await page.goto('/register?next=/bookings');
    await page.getByLabel('Your name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByLabel('Password').press('Enter');
    await eventually(() => page.getByTestId('signed-in-as').textContent()).toBe(user.name);
    await eventually(() => new URL(page.url()).pathname).toBe('/bookings');
    await page.getByText('You have no bookings yet.').waitFor();
  });

  it('refuses a wrong password in plain words, then signs in with the right one', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    await page.goto('/login?next=/bookings');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByLabel('Password').press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/password/i);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await eventually(() => page.getByTestId('signed-in-as').textContent()).toBe(user.name);
    await eventually(() => new URL(page.url()).pathname).toBe('/bookings');
  });

  it('fills a demo account with one click on the sign-in page', async () => {
    const other = await newContext(browser, url);
    const p = await other.newPage();
    await p.goto('/login');
    await p.getByRole('button', { name: /demo account Alice/ }).click();
    expect(await p.getByLabel('Email').inputValue()).toBe('alice@berth.dev');
    await screenshot(p, 'login');
    await p.getByLabel('Password').press('Enter');
    await eventually(() => p.getByTestId('signed-in-as').textContent()).toBe('Alice');
    await other.close();
  });

  it('lists a paid booking as confirmed and updates live when a hold is released', async () => {
    const tokens = await login(user.email, user.password);
    const booking = await bookAndPay(tokens.accessToken);
    confirmedPnr = booking.pnr;
    await page.goto('/bookings');
    const card = page.locator(`[data-testid="booking"][data-pnr="${booking.pnr}"]`);
    await card.waitFor();
    await eventually(() => card.getByTestId('booking-status').textContent()).toBe('Confirmed');
    expect(await card.textContent()).toContain('12010');

    // A hold made elsewhere (another tab) appears by itself, and can be released from here.
    const held = await hold(tokens.accessToken, 6);
    const heldCard = page.locator(`[data-testid="booking"][data-pnr="${held.pnr}"]`);
    await heldCard.waitFor({ timeout: 5_000 });
    expect(await heldCard.getByTestId('booking-status').textContent()).toBe('Held');
    await heldCard.getByRole('button', { name: 'Release seats' }).click();
    await eventually(() => heldCard.getByTestId('booking-status').textContent(), {
      timeout: 5_000,
    }).toBe('Released');
  });

  it('cancels a confirmed booking after asking, and shows the refund', async () => {
    const card = page.locator(`[data-testid="booking"][data-pnr="${confirmedPnr}"]`);
    await card.getByRole('button', { name: 'Cancel booking' }).click();
    await card.getByRole('button', { name: 'Yes, cancel' }).click();
    await eventually(() => card.getByTestId('booking-status').textContent(), {
      timeout: 5_000,
    }).toBe('Cancelled');
    await eventually(() => card.getByTestId('refund').textContent(), { timeout: 10_000 }).toMatch(
      /Refunded ₹/,
    );
    await screenshot(page, 'my-bookings');
  });

  it('shows the PNR status to anyone, without the passenger name', async () => {
    const anon = await newContext(browser, url);
    const p = await anon.newPage();
    await p.goto('/pnr');
    await p.getByLabel('PNR number').fill(confirmedPnr.toLowerCase());
    await p.getByLabel('PNR number').press('Enter');
    const result = p.getByTestId('pnr-status');
    await result.waitFor();
    expect(new URL(p.url()).pathname).toBe(`/pnr/${confirmedPnr}`);
    expect(await result.getByTestId('booking-status').textContent()).toBe('Cancelled');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('12010');
    expect(text).toContain('Passenger 1');
    expect(await p.locator('body').textContent()).not.toContain(PASSENGER);
    await screenshot(p, 'pnr-status');

    await p.goto('/pnr/ZZZZZZZZZZ');
    const alert = p.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('could not find a booking with PNR ZZZZZZZZZZ');
    await anon.close();
  });

  it('asks a signed-out visitor to sign in, and comes back afterwards', async () => {
    const anon = await newContext(browser, url);
    const p = await anon.newPage();
    await p.goto('/bookings');
    await p.getByRole('heading', { name: 'Please sign in' }).waitFor();
    await p.locator('main').getByRole('link', { name: 'Sign in' }).click();
    await eventually(() => new URL(p.url()).searchParams.get('next')).toBe('/bookings');
    await p.getByLabel('Email').fill('bob@berth.dev');
    await p.getByLabel('Password').fill('bob-berth-2026');
    await p.getByLabel('Password').press('Enter');
    await eventually(() => new URL(p.url()).pathname).toBe('/bookings');
    await p.getByRole('heading', { name: 'My bookings' }).waitFor();
    await anon.close();
  });
});

async function login(email: string, password: string): Promise<AuthTokens> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const ack = (await res.json()) as Ack<AuthTokens>;
  if (!ack.ok) throw new Error(`cannot sign in: ${ack.error.message}`);
  return ack.data;
}

async function api<T>(path: string): Promise<T> {
  const ack = (await (await fetch(`${url}${path}`)).json()) as Ack<T>;
  if (!ack.ok) throw new Error(`${path}: ${ack.error.message}`);
  return ack.data;
}

/** Train 12010, some days out: no other helper's test books there. */
async function freeSeat(daysOut: number): Promise<{ runId: number; seatId: number }> {
  const date = todayInIndia(new Date(Date.now() + daysOut * 86_400_000));
  const results = await api<SearchResult[]>(`/api/search?from=ADI&to=BCT&date=${date}`);
  const run = results.find((r) => r.trainNumber === '12010');
  if (!run) throw new Error(`no 12010 run on ${date}`);
  const map = await api<SeatMap>(`/api/runs/${run.runId}/seats?from=ADI&to=BCT`);
  const free = map.seats.filter((s) => canHold(s));
  const seat = free[Math.floor(Math.random() * free.length)];
  if (!seat) throw new Error('no free seat');
  return { runId: run.runId, seatId: seat.seatId };
}

type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function withSocket<T>(token: string, work: (s: TestSocket) => Promise<T>): Promise<T> {
  const socket: TestSocket = io(url, { transports: ['websocket'], auth: { token } });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return await work(socket);
  } finally {
    socket.disconnect();
  }
}

function ask<T>(socket: TestSocket, event: keyof ClientToServerEvents, payload: unknown) {
  return new Promise<BookingView>((resolve, reject) => {
    (socket.timeout(10_000).emit as (...a: unknown[]) => void)(
      event,
      payload,
      (err: Error | null, ack: Ack<T>) => {
        if (err) return reject(err);
        if (!ack.ok) return reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`));
        resolve(ack.data as BookingView);
      },
    );
  });
}

/** The user may not hold two journeys at the same time: each booking takes its own day. */
function hold(token: string, daysOut: number): Promise<BookingView> {
  return withSocket(token, async (socket) => {
    const { runId, seatId } = await freeSeat(daysOut);
    return ask(socket, 'hold:create', {
      runId,
      from: 'ADI',
      to: 'BCT',
      seatIds: [seatId],
      passengers: [{ name: PASSENGER, age: 31 }],
      idempotencyKey: crypto.randomUUID(),
    });
  });
}

async function bookAndPay(token: string): Promise<BookingView> {
  const held = await hold(token, 4);
  return withSocket(token, (socket) =>
    ask(socket, 'booking:pay', { bookingId: held.id, idempotencyKey: crypto.randomUUID() }),
  );
}
