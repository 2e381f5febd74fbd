import type { Logger } from './logger.ts';
import { DomainError, spreadRetryMs } from './errors.ts';

/**
 * SQLSTATEs of a database that went away or is not taking sessions: class 08 (connection
 * exception), and 57P01-57P03 (shut down by its administrator, after a crash, still starting).
 */
const DOWN_STATE = /^(08\w{3}|57P0[123])$/;
/** Node socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** What node-postgres and the pool say when a connection died under a query or none could be had. */
const DOWN_MESSAGES = [
  /^Connection terminated/,
  /not queryable/,
  /^Knex: Timeout acquiring a connection/,
  /timeout exceeded when trying to connect/,
];

/**
 * True when `err` says the database could not be reached, rather than that a statement failed:
 * the driver's error itself, or one it is wrapped in (MikroORM's `previous`, `cause`, Node's
 * AggregateError of one refusal per address).
 */
export function isDatabaseUnreachable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; previous?: unknown };
  if (typeof e.code === 'string' && (DOWN_STATE.test(e.code) || SOCKET_CODES.has(e.code)))
    return true;
  if (typeof e.message === 'string' && DOWN_MESSAGES.some((m) => m.test(e.message as string)))
    return true;
  const inner: unknown[] = [e.cause, e.previous];
  if (err instanceof AggregateError) inner.push(...(err.errors as unknown[]));
  return inner.some((x) => isDatabaseUnreachable(x, depth + 1));
}

/**
 * How long an UNAVAILABLE answer asks a client to wait: PostgreSQL restarts or fails over in
 * seconds, and an attempt that comes too soon is answered at once again, so a second is right
 * (spread: spreadRetryMs).
 */
const RETRY_AFTER_MS = 1000;

export function databaseUnavailable(): DomainError {
  return new DomainError(
    'UNAVAILABLE',
    'Berth cannot reach its database right now. Nothing was done; please try again in a moment.',
    { retryAfterMs: spreadRetryMs(RETRY_AFTER_MS) },
  );
}

/** Unreachable-database warnings are logged at most this often: a rush would repeat one per command. */
const WARN_EVERY_MS = 5000;
let lastWarned = 0;

/**
 * Logs a failure: an unreachable database as a warning at most every WARN_EVERY_MS (during an
 * outage every command and every job round would repeat it), anything else as an error.
 */
export function logFailure(
  log: Logger,
  err: unknown,
  context: Record<string, unknown>,
  what: string,
) {
  if (!isDatabaseUnreachable(err)) {
    log.error({ err, ...context }, what);
    return;
  }
  const now = Date.now();
  if (now - lastWarned < WARN_EVERY_MS) return;
  lastWarned = now;
  log.warn({ err, ...context }, `${what}: database unreachable`);
}

/**
 * The coded answer for whatever a command or a request threw: a DomainError as it is; a database
 * that cannot be reached as UNAVAILABLE with `retryAfterMs` (nothing committed that a retry with
 * the same key would not find); anything else as INTERNAL, logged, with nothing internal said.
 */
export function toDomainError(err: unknown, log: Logger, context: Record<string, unknown>) {
  if (err instanceof DomainError) return err;
  logFailure(log, err, context, 'command failed');
  if (isDatabaseUnreachable(err)) return databaseUnavailable();
  return new DomainError('INTERNAL', 'Something went wrong on our side. Please try again.');
}
