import type { Ack, ClientToServerEvents, CommandName } from '@berth/shared';
import { DomainError } from '../common/errors.ts';
import { toDomainError } from '../common/unavailable.ts';
import type { Logger } from '../common/logger.ts';
import type { Metrics } from './metrics.ts';
import type { RateLimits } from '../common/rate-limits.ts';
import type { BerthSocket } from './types.ts';

type AckOf<E extends CommandName> = Parameters<ClientToServerEvents[E]>[1];
type DataOf<E extends CommandName> = Parameters<AckOf<E>>[0] extends Ack<infer T> ? T : never;

export interface SignedIn {
  userId: number;
  role: 'user' | 'admin';
}

/** What a command needs around it: logging, metrics, limits, and the revoked sign-ins. */
export interface CommandDeps {
  log: Logger;
  metrics: Metrics;
  limits: RateLimits;
  /** Whether a sign-in was revoked: memory only, asked on every command. */
  revoked: (familyId: string) => boolean;
}

export interface CommandOptions {
  /** Only a signed-in user with an unexpired token may run it. */
  auth: boolean;
}

/**
 * Registers one command: the single place where a payload becomes an ack. The handler gets the
 * raw payload (services validate it and answer VALIDATION); whatever it throws becomes a coded
 * error (an unreachable database UNAVAILABLE, unknown errors INTERNAL, logged: see
 * toDomainError), and the socket stays up.
 */
export function command<E extends CommandName>(
  socket: BerthSocket,
  deps: CommandDeps,
  event: E,
  options: CommandOptions,
  run: (payload: unknown, user: SignedIn | null) => Promise<DataOf<E>>,
  onDone?: (seconds: number) => void,
): void {
  const answer = (respond: Respond<E>, result: Ack<DataOf<E>>) => {
    respond(result);
    deps.metrics.acks.inc({ event, code: result.ok ? 'OK' : result.error.code });
  };
  const listener = async (payload: unknown, respond: Respond<E>) => {
    const started = performance.now();
    try {
      const user = options.auth
        ? signedIn(socket, deps.revoked)
        : currentUser(socket, deps.revoked);
      if (user) await deps.limits.consume(event, user.userId);
      answer(respond, { ok: true, data: await run(payload, user) });
    } catch (err) {
      answer(respond, { ok: false, error: toDomainError(err, deps.log, { event }).toAck() });
    } finally {
      onDone?.((performance.now() - started) / 1000);
    }
  };
  (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(
    event,
    (...args) => {
      deps.metrics.events.inc({ event });
      const ackAt = lastFunction(args);
      // Without an ack there is no one to answer: every command is acknowledged, so drop it.
      if (ackAt === -1) return;
      const respond = args[ackAt] as Respond<E>;
      // `emit(event, ack)` or an ack before extra arguments: say so at once, or the client would
      // only learn of it from its own timeout.
      if (ackAt !== 1 || args.length !== 2) {
        answer(respond, {
          ok: false,
          error: new DomainError(
            'VALIDATION',
            `Send ${event} as (payload, ack): one payload, then the ack.`,
          ).toAck(),
        });
        return;
      }
      void listener(args[0], respond);
    },
  );
}

type Respond<E extends CommandName> = (result: Ack<DataOf<E>>) => void;

function lastFunction(args: unknown[]): number {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return i;
  return -1;
}

/** The socket's user, or null when anonymous, expired or revoked (then it acts as anonymous). */
function currentUser(socket: BerthSocket, revoked: CommandDeps['revoked']): SignedIn | null {
  const { userId, role, tokenExpiresAt, familyId } = socket.data;
  if (userId === null || role === null) return null;
  if (tokenExpiresAt !== null && tokenExpiresAt <= Date.now()) return null;
  if (familyId !== null && revoked(familyId)) return null;
  return { userId, role };
}

function signedIn(socket: BerthSocket, revoked: CommandDeps['revoked']): SignedIn {
  const user = currentUser(socket, revoked);
  if (user) return user;
  const { userId, familyId } = socket.data;
  if (userId === null) throw new DomainError('UNAUTHENTICATED', 'Please sign in to do that.');
  if (familyId !== null && revoked(familyId))
    throw new DomainError('UNAUTHENTICATED', 'This sign-in was ended. Please sign in again.');
  throw new DomainError('UNAUTHENTICATED', 'Your session has expired. Please sign in again.');
}
