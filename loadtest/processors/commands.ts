import {
  ackSchemas,
  pushSchemas,
  retryAfterSchema,
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
 * match the schema) or LOST_ACK (no answer within the timeout).
 */
export type Outcome<T> =
  | { ok: true; data: T; ms: number }
  | { ok: false; code: string; message: string; details?: Record<string, unknown>; ms: number };

/** The longest an OVERLOADED answer may make a command wait before its one retry. */
const MAX_RETRY_AFTER_MS = 5000;

/**
 * Sends one command and waits for its ack at most `timeoutMs`: Artillery's own `emit` steps
 * cannot time out, and an ack that never comes would hang the virtual user. An OVERLOADED answer
 * (nothing happened) is retried once after its `retryAfterMs` with the same payload and key, as
 * the web client does; `ms` then counts from the first send.
 */
export async function send<E extends Command>(
  socket: BerthSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs: number,
): Promise<Outcome<DataOf<E>>> {
  const started = performance.now();
  const first = await sendOnce(socket, event, payload, timeoutMs);
  if (first.ok || first.code !== 'OVERLOADED') return first;
  const hint = retryAfterSchema.safeParse(first.details);
  const waitMs = Math.min(hint.success ? hint.data.retryAfterMs : 500, MAX_RETRY_AFTER_MS);
  await new Promise((r) => setTimeout(r, waitMs));
  const second = await sendOnce(socket, event, payload, timeoutMs);
  return { ...second, ms: performance.now() - started };
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
