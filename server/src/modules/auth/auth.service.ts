import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  id,
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
  type AuthTokens,
  type SessionRevoked,
  type PublicUser,
  type UserRole,
} from '@berth/shared';
import { z } from 'zod';
import { DomainError, sqlState, UNIQUE_VIOLATION } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { Config } from '../../config/env.ts';
import type { Em } from '../../common/sql.ts';
import { systemActor, type Actor } from '../audit/transition-writer.ts';
import { raise } from '../events/domain-events.ts';
import { transactionWithEvents } from '../events/event-handlers.ts';
import { AccessTokens, signInAgain, type VerifiedAccess } from './jwt.ts';
import { hashPassword, PasswordChecker } from './passwords.ts';
import {
  familyOfToken,
  insertRefreshToken,
  recentRevocations,
  revokeFamilyTokens,
  revokeUserTokens,
  rotateRefreshToken,
  type IssuedRefreshToken,
  type Revocation,
} from './refresh-tokens.ts';
import { RevokedFamilies } from './revoked-families.ts';
import { sharedSecret } from './server-secrets.ts';
import { User } from './user.entity.ts';

/** Switches that only tests may turn on: each removes one mechanism. */
export interface AuthTestHooks {
  /** Refresh without `FOR UPDATE` on the token row. */
  skipRefreshLock?: boolean;
}

export interface AuthServiceDeps {
  orm: MikroORM;
  config: Config;
  log: Logger;
  /** Access token lifetime; default ACCESS_TOKEN_TTL_SECONDS. */
  accessTtlSeconds?: number;
  /** Refresh token lifetime, renewed by every rotation; default REFRESH_TOKEN_TTL_DAYS. */
  refreshTtlDays?: number;
  /** HS256 key (at least 32 characters); unset: the one in `server_secrets`, shared by all nodes. */
  jwtSecret?: string;
  hooks?: AuthTestHooks;
  /** Called after a commit that wrote outbox rows (revocations): this node's relay, woken. */
  wakeRelay?: () => void;
}

/** The `server_secrets` row the nodes sign access tokens with when JWT_SECRET is unset. */
export const JWT_SECRET_NAME = 'jwt';
const familyIdSchema = z.uuid();

/** A user as a row (id as text, from a raw insert) or as the entity (id as a number). */
interface UserRow {
  id: string | number;
  email: string;
  name: string;
  role: UserRole;
}

const publicUser = (row: UserRow): PublicUser => ({
  id: Number(row.id),
  email: row.email,
  name: row.name,
  role: row.role,
});

/** Clocks of nodes and database may differ this much: revocations are kept this much longer. */
const CLOCK_MARGIN_SECONDS = 60;

/**
 * Announces revocations inside the transaction that made them: an audit row each, and a
 * `session:revoked` node event through the outbox, which every node's relay hands to its own
 * handler (see startOutboxRelay): the revocation reaches every node's memory.
 */
function announceRevocations(
  tx: Em,
  revocations: readonly Revocation[],
  actor: Actor,
  reason: 'reuse' | 'logout' | 'sign-out-everywhere',
): void {
  for (const r of revocations) raise(tx, { type: 'session.revoked', actor, reason, ...r });
}

const emailTaken = (err: unknown) =>
  sqlState(err) === UNIQUE_VIOLATION &&
  (err as { constraint?: unknown }).constraint === 'users_email_key';

/**
 * Accounts and sessions: a short-lived JWT access token plus an opaque refresh token that is
 * spent on use and replaced (rotation). Presenting a spent refresh token revokes its whole
 * family (that sign-in); so do logout and "sign out everywhere". A revocation is announced
 * through the outbox, and every node then refuses the family's access tokens from memory.
 */
export function createAuthService(deps: AuthServiceDeps) {
  const { orm, log } = deps;
  const accessTtlSeconds = deps.accessTtlSeconds ?? deps.config.ACCESS_TOKEN_TTL_SECONDS;
  const refreshTtlDays = deps.refreshTtlDays ?? deps.config.REFRESH_TOKEN_TTL_DAYS;
  if (!Number.isInteger(accessTtlSeconds) || accessTtlSeconds < 1) {
    throw new Error(`accessTtlSeconds must be a positive integer, not ${accessTtlSeconds}`);
  }
  if (!(refreshTtlDays > 0)) throw new Error(`refreshTtlDays must be positive`);
  if (deps.jwtSecret !== undefined && deps.jwtSecret.length < 32) {
    throw new Error('jwtSecret must be at least 32 characters');
  }
  const hooks = deps.hooks ?? {};

  const em = () => orm.em.fork();
  const { jwtSecret } = deps;
  const access = new AccessTokens(
    jwtSecret === undefined
      ? () => sharedSecret(em(), JWT_SECRET_NAME)
      : () => Promise.resolve(jwtSecret),
    accessTtlSeconds,
  );
  const revoked = new RevokedFamilies((accessTtlSeconds + CLOCK_MARGIN_SECONDS) * 1000);
  const passwords = new PasswordChecker();

  async function tokensFor(
    user: PublicUser,
    familyId: string,
    refresh: IssuedRefreshToken,
  ): Promise<AuthTokens> {
    const signed = await access.sign({ userId: user.id, role: user.role, familyId });
    return {
      accessToken: signed.token,
      accessExpiresAt: signed.expiresAt.toISOString(),
      refreshToken: refresh.token,
      refreshExpiresAt: refresh.expiresAt.toISOString(),
      user,
    };
  }

  /** A new sign-in: a new family with its first refresh token. */
  async function startSession(user: PublicUser): Promise<AuthTokens> {
    const familyId = randomUUID();
    const refresh = await insertRefreshToken(em(), user.id, familyId, refreshTtlDays);
    return tokensFor(user, familyId, refresh);
  }

  /** Revokes a sign-in and announces it; this node refuses it at once, the others shortly. */
  async function revokeFamily(familyId: unknown, actor?: Actor): Promise<void> {
    const fam = parse(familyIdSchema, familyId);
    const done = await transactionWithEvents(orm, deps.wakeRelay, async (tx) => {
      const revocation = await revokeFamilyTokens(tx, fam);
      if (revocation) {
        const by: Actor = actor ?? { userId: revocation.userId, role: 'user' };
        announceRevocations(tx, [revocation], by, 'logout');
      }
      return revocation;
    });
    if (done) revoked.add(done.familyId);
  }

  return {
    async register(input: unknown): Promise<AuthTokens> {
      const req = parse(registerRequestSchema, input);
      const passwordHash = await hashPassword(req.password);
      // The account and its first session commit together: no account is left without one.
      let session: { user: PublicUser; familyId: string; refresh: IssuedRefreshToken };
      try {
        session = await transactionWithEvents(orm, deps.wakeRelay, async (tx) => {
          const [row] = await query<UserRow>(
            tx,
            `insert into users (email, name, password_hash, role) values (?, ?, ?, 'user')
             returning id, email, name, role`,
            [req.email, req.name, passwordHash],
          );
          const user = publicUser(row!);
          const familyId = randomUUID();
          const refresh = await insertRefreshToken(tx, user.id, familyId, refreshTtlDays);
          return { user, familyId, refresh };
        });
      } catch (err) {
        if (!emailTaken(err)) throw err;
        throw new DomainError('VALIDATION', 'That email is already registered.', {
          fields: [{ path: 'email', message: 'already registered' }],
        });
      }
      return tokensFor(session.user, session.familyId, session.refresh);
    },

    async login(input: unknown): Promise<AuthTokens> {
      const req = parse(loginRequestSchema, input);
      const user = await em().findOne(User, { email: req.email });
      // Verify even when there is no such user, so the answer's timing does not tell.
      const ok = await passwords.check(user?.passwordHash, req.password);
      if (!user || !ok) throw new DomainError('UNAUTHENTICATED', 'Wrong email or password.');
      return startSession(publicUser(user));
    },

    async refresh(input: unknown): Promise<AuthTokens> {
      const { refreshToken } = parse(refreshRequestSchema, input);
      const outcome = await transactionWithEvents(orm, deps.wakeRelay, async (tx) => {
        const rotated = await rotateRefreshToken(tx, refreshToken, {
          ttlDays: refreshTtlDays,
          skipLock: hooks.skipRefreshLock,
        });
        if (rotated.kind === 'reuse') {
          announceRevocations(
            tx,
            [{ userId: rotated.userId, familyId: rotated.familyId }],
            systemActor,
            'reuse',
          );
        }
        return rotated;
      });
      if (outcome.kind === 'refused') throw signInAgain();
      if (outcome.kind === 'reuse') {
        // Committed above: the revocation stands although this call fails.
        revoked.add(outcome.familyId);
        log.warn(
          { userId: outcome.userId, familyId: outcome.familyId },
          'spent refresh token presented again: session family revoked',
        );
        throw signInAgain();
      }
      return tokensFor(outcome.user, outcome.familyId, outcome.next);
    },

    /**
     * A new session for an existing user, without a password. Only for callers that decided
     * the caller may act as that user (the race demo's split screen signs in as demo users).
     */
    async sessionFor(userId: number): Promise<AuthTokens> {
      return startSession(await this.me(userId));
    },

    async me(userId: number): Promise<PublicUser> {
      const user = await em().findOne(User, { id: parse(id, userId) });
      if (!user) throw signInAgain();
      return publicUser(user);
    },

    /** The caller behind an access token; UNAUTHENTICATED if forged, expired or revoked. */
    async verifyAccessToken(token: string): Promise<VerifiedAccess> {
      const claims = await access.verify(token);
      if (revoked.has(claims.familyId)) throw signInAgain();
      return claims;
    },

    /** Whether a sign-in was revoked (memory only: the per-command check). */
    isRevoked: (familyId: string) => revoked.has(familyId),

    /** A node event from the outbox: some node revoked this sign-in. */
    sessionRevoked(event: SessionRevoked): void {
      revoked.add(event.familyId);
    },

    /**
     * Learns the revocations whose access tokens may still be alive from the database: at start,
     * and when the relay switches between shared and local (an announcement may have been lost).
     */
    async loadRevocations(): Promise<void> {
      const seconds = accessTtlSeconds + CLOCK_MARGIN_SECONDS;
      for (const r of await recentRevocations(em(), seconds)) revoked.add(r.familyId, r.revokedAt);
    },

    /** Ends a sign-in everywhere: its refresh tokens and its access tokens on every node. */
    revokeFamily,

    /** "Sign out everywhere": every sign-in of the user, this one included. */
    async signOutEverywhere(userId: number): Promise<{ signedOut: number }> {
      const actor: Actor = { userId, role: 'user' };
      const done = await transactionWithEvents(orm, deps.wakeRelay, async (tx) => {
        const revocations = await revokeUserTokens(tx, parse(id, userId));
        if (revocations.length > 0)
          announceRevocations(tx, revocations, actor, 'sign-out-everywhere');
        return revocations;
      });
      for (const r of done) revoked.add(r.familyId);
      return { signedOut: done.length };
    },

    /**
     * Signs out the session the refresh token belongs to; an unknown token is a no-op. Takes the
     * token itself or the request body `{ refreshToken }`.
     */
    async logout(input: unknown): Promise<void> {
      const token = parse(logoutRequestSchema, input);
      const familyId = await familyOfToken(em(), token);
      if (familyId !== undefined) await revokeFamily(familyId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
