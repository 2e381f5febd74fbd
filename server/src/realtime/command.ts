import type { Ack, ClientToServerEvents, CommandName } from '@berth/shared';
import { DomainError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import type { Metrics } from './metrics.ts';
import type { CommandLimits } from './rate-limits.ts';
import type { BerthSocket } from './types.ts';

type AckOf<E extends CommandName> = Parameters<ClientToServerEvents[E]>[1];
type DataOf<E extends CommandName> = Parameters<AckOf<E>>[0] extends Ack<infer T> ? T : never;

export interface SignedIn {
  userId: number;
  role: 'user' | 'admin';
}

export interface CommandOptions {
  /** Only a signed-in user with an unexpired token may run it. */
  auth: boolean;
}

/**
 * Registers one command: the single place where a payload becomes an ack. The handler gets the
 * raw payload (services validate it and answer VALIDATION); whatever it throws becomes a coded
 * error, unknown errors become INTERNAL and are logged, and the socket stays up.
 */
export function command<E extends CommandName>(
  socket: BerthSocket,
  deps: { log: Logger; metrics: Metrics; limits: CommandLimits },
  event: E,
  options: CommandOptions,
  run: (payload: unknown, user: SignedIn | null) => Promise<DataOf<E>>,
  onDone?: (seconds: number) => void,
): void {
  const listener = async (payload: unknown, ack: unknown) => {
    deps.metrics.events.inc({ event });
    if (typeof ack !== 'function') return; // every command is acknowledged; without one, ignore it
    const respond = ack as (result: Ack<DataOf<E>>) => void;
    const started = performance.now();
    try {
      const user = options.auth ? signedIn(socket) : currentUser(socket);
      if (user) await deps.limits.consume(event, user.userId);
      const data = await run(payload, user);
      respond({ ok: true, data });
      deps.metrics.acks.inc({ event, code: 'OK' });
    } catch (err) {
      const domain = asDomainError(err, deps.log, event);
      respond({ ok: false, error: domain.toAck() });
      deps.metrics.acks.inc({ event, code: domain.code });
    } finally {
      onDone?.((performance.now() - started) / 1000);
    }
  };
  (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(
    event,
    (payload, ack) => {
      void listener(payload, ack);
    },
  );
}

function currentUser(socket: BerthSocket): SignedIn | null {
  const { userId, role, tokenExpiresAt } = socket.data;
  if (userId === null || role === null) return null;
  if (tokenExpiresAt !== null && tokenExpiresAt <= Date.now()) return null;
  return { userId, role };
}

function signedIn(socket: BerthSocket): SignedIn {
  const user = currentUser(socket);
  if (user) return user;
  throw socket.data.userId === null
    ? new DomainError('UNAUTHENTICATED', 'Please sign in to do that.')
    : new DomainError('UNAUTHENTICATED', 'Your session has expired. Please sign in again.');
}

export function asDomainError(err: unknown, log: Logger, event: string): DomainError {
  if (err instanceof DomainError) return err;
  log.error({ err, event }, 'command failed');
  return new DomainError('INTERNAL', 'Something went wrong on our side. Please try again.');
}
