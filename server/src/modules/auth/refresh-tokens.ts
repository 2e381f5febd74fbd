import { createHash, randomBytes } from 'node:crypto';
import type { PublicUser, UserRole } from '@berth/shared';
import type { Em, SqlTx } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

/** sha-256 hex: the only form in which a refresh token is stored or looked up. */
export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/** A new opaque refresh token (32 random bytes, base64url) in `familyId`, valid `ttlDays`. */
export async function insertRefreshToken(
  em: Em,
  userId: number,
  familyId: string,
  ttlDays: number,
): Promise<IssuedRefreshToken> {
  const token = randomBytes(32).toString('base64url');
  // The driver hands timestamps back as text or Date depending on the connection's parsers.
  const [row] = await query<{ expires_at: Date | string }>(
    em,
    `insert into refresh_tokens (user_id, family_id, token_hash, expires_at)
     values (?, ?, ?, now() + ?::float8 * interval '1 day')
     returning expires_at`,
    [userId, familyId, tokenHash(token), ttlDays],
  );
  return { token, expiresAt: new Date(row!.expires_at) };
}

/** A revoked sign-in: whose it was, and which. */
export interface Revocation {
  userId: number;
  familyId: string;
}

/**
 * Marks every token of the family revoked; the family can never be refreshed again. Returns the
 * revocation, or null when there was nothing left to revoke (already revoked, or unknown).
 */
export async function revokeFamilyTokens(em: Em, familyId: string): Promise<Revocation | null> {
  const [row] = await query<{ user_id: string }>(
    em,
    `update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null
     returning user_id`,
    [familyId],
  );
  return row ? { userId: Number(row.user_id), familyId } : null;
}

/** Revokes every sign-in of a user ("sign out everywhere"); returns those it revoked. */
export async function revokeUserTokens(em: Em, userId: number): Promise<Revocation[]> {
  const rows = await query<{ family_id: string }>(
    em,
    `update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null
     returning family_id`,
    [userId],
  );
  return [...new Set(rows.map((r) => r.family_id))].map((familyId) => ({ userId, familyId }));
}

/** Families revoked in the last `seconds`, with when: what a starting node must refuse. */
export async function recentRevocations(
  em: Em,
  seconds: number,
): Promise<{ familyId: string; revokedAt: number }[]> {
  const rows = await query<{ family_id: string; revoked_ms: number }>(
    em,
    `select family_id, (extract(epoch from max(revoked_at)) * 1000)::float8 as revoked_ms
       from refresh_tokens
      where revoked_at > now() - make_interval(secs => ?)
      group by family_id`,
    [seconds],
  );
  return rows.map((r) => ({ familyId: r.family_id, revokedAt: Number(r.revoked_ms) }));
}

/** A family counts as revoked once any of its tokens is (a rotation may race a revocation). */
export async function isFamilyRevoked(em: Em, familyId: string): Promise<boolean> {
  const [row] = await query<{ revoked: boolean }>(
    em,
    `select exists (
       select 1 from refresh_tokens where family_id = ? and revoked_at is not null
     ) as revoked`,
    [familyId],
  );
  return row!.revoked;
}

export async function familyOfToken(em: Em, token: string): Promise<string | undefined> {
  const [row] = await query<{ family_id: string }>(
    em,
    `select family_id from refresh_tokens where token_hash = ?`,
    [tokenHash(token)],
  );
  return row?.family_id;
}

export type RotateOutcome =
  | { kind: 'rotated'; user: PublicUser; familyId: string; next: IssuedRefreshToken }
  /** Unknown, expired, or of a revoked family. */
  | { kind: 'refused' }
  /** Already spent: someone else holds a copy. The family has been revoked (commit it!). */
  | { kind: 'reuse'; userId: number; familyId: string };

interface LockedToken {
  id: string;
  user_id: string;
  family_id: string;
  used: boolean;
  revoked: boolean;
  expired: boolean;
  email: string;
  name: string;
  role: UserRole;
}

/**
 * Spends one refresh token inside `tx`. The token's row is locked (`for update`) before it is
 * read, so of two concurrent refreshes of one token the second waits, then sees it spent and
 * revokes the family: a copy of the token can never win a race against its owner unnoticed.
 */
export async function rotateRefreshToken(
  tx: SqlTx,
  presented: string,
  opts: { ttlDays: number; skipLock?: boolean },
): Promise<RotateOutcome> {
  const [row] = await query<LockedToken>(
    tx,
    `select rt.id, rt.user_id, rt.family_id,
            rt.used_at is not null as used,
            rt.revoked_at is not null as revoked,
            rt.expires_at <= now() as expired,
            u.email, u.name, u.role
       from refresh_tokens rt
       join users u on u.id = rt.user_id
      where rt.token_hash = ?
      ${opts.skipLock ? '' : 'for update of rt'}`,
    [tokenHash(presented)],
  );
  if (!row || row.revoked) return { kind: 'refused' };
  const userId = Number(row.user_id);
  if (row.used) {
    await revokeFamilyTokens(tx, row.family_id);
    return { kind: 'reuse', userId, familyId: row.family_id };
  }
  // A fresh statement, so it sees a revocation that committed while we waited for the lock.
  if (row.expired || (await isFamilyRevoked(tx, row.family_id))) return { kind: 'refused' };

  await query(tx, `update refresh_tokens set used_at = now() where id = ?`, [row.id]);
  const next = await insertRefreshToken(tx, userId, row.family_id, opts.ttlDays);
  return {
    kind: 'rotated',
    user: { id: userId, email: row.email, name: row.name, role: row.role },
    familyId: row.family_id,
    next,
  };
}
