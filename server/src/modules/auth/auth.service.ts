import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  id,
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
  type AuthTokens,
  type PublicUser,
  type UserRole,
} from '@berth/shared';
import { z } from 'zod';
import { DomainError, sqlState, UNIQUE_VIOLATION } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { query, transaction } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { Config } from '../../config/env.ts';
import { FamilyStatusCache } from './family-status.ts';
import { AccessTokens, signInAgain, type VerifiedAccess } from './jwt.ts';
import { hashPassword, PasswordChecker } from './passwords.ts';
import {
  familyOfToken,
  insertRefreshToken,
  isFamilyRevoked,
  revokeFamilyTokens,
  rotateRefreshToken,
  type IssuedRefreshToken,
} from './refresh-tokens.ts';
import { sharedSecret } from './server-secrets.ts';

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
}

const JWT_SECRET_NAME = 'jwt';
const familyIdSchema = z.uuid();

interface UserRow {
  id: string;
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

const emailTaken = (err: unknown) =>
  sqlState(err) === UNIQUE_VIOLATION &&
  (err as { constraint?: unknown }).constraint === 'users_email_key';

/**
 * Accounts and sessions: a short-lived JWT access token plus an opaque refresh token that is
 * spent on use and replaced (rotation). Presenting a spent refresh token revokes its whole
 * family (that sign-in), which also turns away the family's access tokens within 2 s.
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
  const families = new FamilyStatusCache((familyId) => isFamilyRevoked(em(), familyId));
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

  async function revokeFamily(familyId: unknown): Promise<void> {
    const fam = parse(familyIdSchema, familyId);
    await revokeFamilyTokens(em(), fam);
    families.forget(fam);
  }

  return {
    async register(input: unknown): Promise<AuthTokens> {
      const req = parse(registerRequestSchema, input);
      const passwordHash = await hashPassword(req.password);
      // The account and its first session commit together: no account is left without one.
      let session: { user: PublicUser; familyId: string; refresh: IssuedRefreshToken };
      try {
        session = await transaction(orm, async (tx) => {
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
      const [row] = await query<UserRow & { password_hash: string }>(
        em(),
        `select id, email, name, role, password_hash from users where email = ?`,
        [req.email],
      );
      // Verify even when there is no such user, so the answer's timing does not tell.
      const ok = await passwords.check(row?.password_hash, req.password);
      if (!row || !ok) throw new DomainError('UNAUTHENTICATED', 'Wrong email or password.');
      return startSession(publicUser(row));
    },

    async refresh(input: unknown): Promise<AuthTokens> {
      const { refreshToken } = parse(refreshRequestSchema, input);
      const outcome = await transaction(orm, (tx) =>
        rotateRefreshToken(tx, refreshToken, {
          ttlDays: refreshTtlDays,
          skipLock: hooks.skipRefreshLock,
        }),
      );
      if (outcome.kind === 'refused') throw signInAgain();
      if (outcome.kind === 'reuse') {
        // Committed above: the revocation stands although this call fails.
        families.forget(outcome.familyId);
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
      const [row] = await query<UserRow>(
        em(),
        `select id, email, name, role from users where id = ?`,
        [parse(id, userId)],
      );
      if (!row) throw signInAgain();
      return publicUser(row);
    },

    /** The caller behind an access token; UNAUTHENTICATED if forged, expired or revoked. */
    async verifyAccessToken(token: string): Promise<VerifiedAccess> {
      const claims = await access.verify(token);
      if (await families.isRevoked(claims.familyId)) throw signInAgain();
      return claims;
    },

    /** Ends a sign-in everywhere: its refresh tokens and (within 2 s) its access tokens. */
    revokeFamily,

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
