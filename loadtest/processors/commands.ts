import {
  ackSchemas,
  pushSchemas,
  CommandRetry,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@berth/shared';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';

export type BerthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The ack of every command, and every push, as the contract in shared/ defines them. */
export const ACKS = ackSchemas;
export const PUSHES = pushSchemas;
export type Command = keyof typeof ACKS;
export type PayloadOf<E extends Command> = Parameters<ClientToServerEvents[E]>[0];
export type DataOf<E extends Command> = Extract<z.infer<(typeof ACKS)[E]>, { ok: true }>['data'];
export type Push = keyof typeof PUSHES;

/**
 * What a command came to: its data, a code from the contract, CONTRACT (an answer that does not
 * match the schema) or LOST_ACK (no answer within the timeout). `lostAcks` counts the sends whose
 * ack was lost and that were sent again (under chaos).
 */
export type Outcome<T> = (
  | { ok: true; data: T; ms: number }
  | { ok: false; code: string; message: string; details?: Record<string, unknown>; ms: number }
) & { lostAcks?: number };

/** Under chaos, the most times one command is sent again after its ack was lost. */
const MAX_LOST_ACK_RETRIES = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the socket is connected again, or after `timeoutMs` (the next send will tell). */
function connected(socket: BerthSocket, timeoutMs: number): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off('connect', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('connect', done);
  });
}

/**
 * Sends one command and waits for its ack at most `timeoutMs`: Artillery's own `emit` steps
 * cannot time out, and an ack that never comes would hang the virtual user. A command the server
 * did not run is sent again with the same payload and key by the web client's policy
 * (`CommandRetry` in shared: OVERLOADED once, UNAVAILABLE with a `retryAfterMs` for up to 15 s). With `retryLostAcks` (chaos), a lost ack is sent again once the socket is back, up to
 * three times. Every command the load test sends is safe to send twice: `run:watch` reads, the
 * others carry an idempotency key (the answer is the first attempt's if it ran), and
 * `hold:release` of a released hold is a no-op.
 * `ms` counts from the first send.
 */
export async function send<E extends Command>(
  socket: BerthSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs: number,
  opts: { retryLostAcks?: boolean } = {},
): Promise<Outcome<DataOf<E>>> {
  const started = performance.now();
  let res = await sendOnce(socket, event, payload, timeoutMs);
  const retry = new CommandRetry(() => performance.now());
  let lostAcks = 0;
  while (!res.ok) {
    const waitMs = retry.waitBefore(res);
    if (waitMs !== null) {
      await sleep(waitMs);
    } else if (res.code === 'LOST_ACK' && opts.retryLostAcks && lostAcks < MAX_LOST_ACK_RETRIES) {
      lostAcks++;
      await connected(socket, timeoutMs);
    } else break;
    res = await sendOnce(socket, event, payload, timeoutMs);
  }
  return { ...res, ms: performance.now() - started, ...(lostAcks > 0 ? { lostAcks } : {}) };
}

async function sendOnce<E extends Command>(
  socket: BerthSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs: number,
): Promise<Outcome<DataOf<E>>> {
  const started = performance.now();
  let raw: unknown;
  try {
    // The answer is checked against the schema below, so it is taken as unknown here.
    const timed = socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<unknown>;
    };
    raw = await timed.emitWithAck(event, payload);
  } catch (err) {
    return {
      ok: false,
      code: 'LOST_ACK',
      message: `no ack within ${timeoutMs} ms (${err instanceof Error ? err.message : String(err)})`,
      ms: performance.now() - started,
    };
  }
  const ms = performance.now() - started;
  const parsed = ACKS[event].safeParse(raw);
  if (!parsed.success) {
    return { ok: false, code: 'CONTRACT', message: describe(parsed.error, raw), ms };
  }
  const ack = parsed.data;
  if (ack.ok) return { ok: true, data: ack.data, ms };
  return {
    ok: false,
    code: ack.error.code,
    message: ack.error.message,
    details: ack.error.details,
    ms,
  };
}

export function describe(error: z.ZodError, raw: unknown): string {
  const issues = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return `${issues} in ${JSON.stringify(raw)?.slice(0, 200)}`;
}
