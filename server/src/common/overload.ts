import type { MikroORM } from '@mikro-orm/postgresql';
import { DomainError, spreadRetryMs } from './errors.ts';

/** The part of knex's connection pool (tarn) under MikroORM that says who is waiting. */
interface PoolGauge {
  numPendingAcquires(): number;
}

/** Requests waiting for one of the pool's connections right now. */
export function poolWaiters(orm: MikroORM): number {
  const pool = (orm.em.getKnex().client as { pool?: Partial<PoolGauge> }).pool;
  return pool?.numPendingAcquires?.() ?? 0;
}

/** The most an OVERLOADED answer asks a client to wait. */
const RETRY_MAX_MS = 5000;

/**
 * Answers a command OVERLOADED at once when more commands already wait for a database connection
 * than `depth`: before anything is claimed or written, so a retry with the same idempotency key
 * runs as if it were the first. The wait asked for is `retryMs` per pool's worth of waiters ahead,
 * spread by up to half again at random, so the turned-away do not all come back at once.
 */
export function admitCommand(
  orm: MikroORM,
  limits: { depth: number; poolMax: number; retryMs: number },
): void {
  const waiting = poolWaiters(orm);
  if (waiting <= limits.depth) return;
  const base = Math.min(RETRY_MAX_MS, limits.retryMs * Math.ceil(waiting / limits.poolMax));
  const retryAfterMs = Math.min(RETRY_MAX_MS, spreadRetryMs(base));
  throw new DomainError('OVERLOADED', 'Berth is very busy right now. Retrying in a moment.', {
    retryAfterMs,
  });
}
