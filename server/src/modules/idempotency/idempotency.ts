import { createHash } from 'node:crypto';
import type { Ack } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

export type Outcome<T> = Ack<T>;

export type Claim<T> =
  { kind: 'new' } | { kind: 'replay'; outcome: Outcome<T> } | { kind: 'in_progress' };

/** Stable hash of a request (key excluded), to tell a retry from a different request. */
export function requestHash(operation: string, request: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = request;
  return createHash('sha256').update(operation).update(canonicalJson(rest)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Claims (user, key) inside the caller's transaction. A concurrent claim of the same key waits on
 * the primary key until the first transaction ends, then sees its stored outcome: one key, one
 * execution. The same key with another request is IDEMPOTENCY_MISMATCH.
 */
export async function claimKey<T>(
  em: Em,
  userId: number,
  key: string,
  operation: string,
  hash: string,
): Promise<Claim<T>> {
  const inserted = await query(
    em,
    `insert into idempotency_keys (user_id, key, operation, request_hash)
     values (?, ?, ?, ?) on conflict do nothing returning 1`,
    [userId, key, operation, hash],
  );
  if (inserted.length > 0) return { kind: 'new' };
  return readClaim(em, userId, key, operation, hash);
}

/** What a key someone already claimed holds: its stored outcome, or that it is still running. */
export async function readClaim<T>(
  em: Em,
  userId: number,
  key: string,
  operation: string,
  hash: string,
): Promise<Claim<T>> {
  const [row] = await query<{
    operation: string;
    request_hash: string;
    status: string;
    response: Outcome<T> | null;
  }>(
    em,
    `select operation, request_hash, status, response from idempotency_keys where user_id = ? and key = ?`,
    [userId, key],
  );
  if (!row) return { kind: 'new' }; // cannot happen: the conflicting row is committed
  if (row.operation !== operation || row.request_hash !== hash) {
    throw new DomainError(
      'IDEMPOTENCY_MISMATCH',
      'This request reuses an idempotency key that was used for a different request.',
    );
  }
  if (row.status !== 'completed' || !row.response) return { kind: 'in_progress' };
  return { kind: 'replay', outcome: row.response };
}

export async function completeKey<T>(em: Em, userId: number, key: string, outcome: Outcome<T>) {
  await query(
    em,
    `update idempotency_keys set status = 'completed', response = ?::jsonb where user_id = ? and key = ?`,
    [JSON.stringify(outcome), userId, key],
  );
}

/** Turns a stored outcome back into the caller's result or error. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.data;
  throw DomainError.fromAck(outcome.error);
}

export const failure = (err: DomainError): Outcome<never> => ({ ok: false, error: err.toAck() });
