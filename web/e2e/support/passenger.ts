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
import { todayInIndia } from '../../src/lib/format/format.ts';

/**
 * A passenger's app without the screens: register, then hold, pay, release and cancel over a
 * socket of the passenger's own, so a test can set up the bookings it looks at in the browser.
 */

export interface Account extends AuthTokens {
  email: string;
  password: string;
}

/** A brand-new account (unique per call): fresh users never collide on journey overlaps. */
export async function register(url: string, name: string): Promise<Account> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;
  const password = 'e2e-password-123';
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name }),
  });
  const ack = (await res.json()) as Ack<AuthTokens>;
  if (!ack.ok) throw new Error(`cannot register ${email}: ${ack.error.message}`);
  return { ...ack.data, email, password };
}

export interface Trip {
  train: string;
  from: string;
  to: string;
  /** Service date, as days from today (India time). */
  daysOut: number;
  classCode?: string;
}

async function api<T>(url: string, path: string): Promise<T> {
  const ack = (await (await fetch(`${url}${path}`)).json()) as Ack<T>;
  if (!ack.ok) throw new Error(`${path}: ${ack.error.message}`);
  return ack.data;
}

type PassengerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type BookingCommand =
  'hold:create' | 'booking:request' | 'hold:release' | 'booking:pay' | 'booking:cancel';

/** One command over a fresh socket; rejects on an error ack. */
async function command<E extends BookingCommand>(
  url: string,
  token: string,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<BookingView> {
  const socket: PassengerSocket = io(url, { transports: ['websocket'], auth: { token } });
  try {
    // emitWithAck cannot relate a generic event to its payload and ack: the signature above does.
    const ack = (await (
      socket.timeout(10_000).emitWithAck as (e: string, p: unknown) => Promise<unknown>
    )(event, payload)) as Ack<BookingView>;
    if (!ack.ok) throw new CommandError(event, ack.error.code, ack.error.message);
    return ack.data;
  } finally {
    socket.disconnect();
  }
}

class CommandError extends Error {
  constructor(
    event: string,
    readonly code: string,
    message: string,
  ) {
    super(`${event}: ${code} ${message}`);
  }
}

/** Holds one free seat (picked at random, so tests do not queue for one seat) for `passenger`. */
export async function holdSeat(
  url: string,
  account: Account,
  trip: Trip,
  passenger = 'Asha Traveller',
): Promise<BookingView> {
  const run = await runOf(url, trip);
  const map = await api<SeatMap>(
    url,
    `/api/runs/${run.runId}/seats?from=${trip.from}&to=${trip.to}`,
  );
  const free = map.seats.filter(
    (s) => canHold(s) && (!trip.classCode || s.classCode === trip.classCode),
  );
  const seat = free[Math.floor(Math.random() * free.length)];
  if (!seat) throw new Error('no free seat');
  return command(url, account.accessToken, 'hold:create', {
    runId: run.runId,
    from: trip.from,
    to: trip.to,
    seatIds: [seat.seatId],
    passengers: [{ name: passenger, age: 34 }],
    idempotencyKey: crypto.randomUUID(),
  });
}

/** The run of a trip: its train on the trip's service date. */
async function runOf(url: string, trip: Trip): Promise<SearchResult> {
  const date = todayInIndia(new Date(Date.now() + trip.daysOut * 86_400_000));
  const results = await api<SearchResult[]>(
    url,
    `/api/search?from=${trip.from}&to=${trip.to}&date=${date}`,
  );
  const run = results.find((r) => r.trainNumber === trip.train);
  if (!run) throw new Error(`no run of ${trip.train} on ${date}`);
  return run;
}

/** Asks for a place in the trip's class without picking a seat (`booking:request`), unpaid. */
export async function requestPlace(
  url: string,
  account: Account,
  trip: Trip & { classCode: string },
  passenger = 'Asha Traveller',
): Promise<BookingView> {
  const run = await runOf(url, trip);
  return command(url, account.accessToken, 'booking:request', {
    runId: run.runId,
    from: trip.from,
    to: trip.to,
    classCode: trip.classCode,
    passengers: [{ name: passenger, age: 34 }],
    idempotencyKey: crypto.randomUUID(),
  });
}

/** Pays for a hold; a decline (another test may have left the gateway flaky) is paid again. */
export async function pay(url: string, account: Account, bookingId: number): Promise<BookingView> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command(url, account.accessToken, 'booking:pay', {
        bookingId,
        idempotencyKey: crypto.randomUUID(),
      });
    } catch (err) {
      if (!(err instanceof CommandError) || err.code !== 'PAYMENT_DECLINED' || attempt === 5)
        throw err;
    }
  }
}

/** Holds and pays: a confirmed ticket. */
export async function book(url: string, account: Account, trip: Trip): Promise<BookingView> {
  const held = await holdSeat(url, account, trip);
  return pay(url, account, held.id);
}

export function release(url: string, account: Account, bookingId: number): Promise<BookingView> {
  return command(url, account.accessToken, 'hold:release', { bookingId });
}

export function cancel(url: string, account: Account, bookingId: number): Promise<BookingView> {
  return command(url, account.accessToken, 'booking:cancel', {
    bookingId,
    idempotencyKey: crypto.randomUUID(),
  });
}
