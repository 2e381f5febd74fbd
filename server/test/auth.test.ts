import { createHash, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as argon2 from '@node-rs/argon2';
import { createLogger } from '../src/common/logger.ts';
import { loadConfig } from '../src/config/env.ts';
import { createOrm } from '../src/db/orm.ts';
import {
  createAuthService,
  type AuthService,
  type AuthServiceDeps,
} from '../src/modules/auth/auth.service.ts';
import { codesOf, outcomes } from './support/fixtures.ts';
import { createTestDb, type TestDb } from './support/harness.ts';

// The real argon2, with its verify counted: the unknown-email test proves a hash is still checked.
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...real, verify: vi.fn(real.verify) };
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const email = () => `${randomUUID()}@test.berth.dev`;
const PASSWORD = 'correct horse battery';

/** The refusal a promise ends with, as a user would see it. */
async function refusal(p: Promise<unknown>): Promise<{ code: unknown; message: unknown }> {
  try {
    await p;
  } catch (err) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    return { code, message };
  }
  throw new Error('expected a refusal');
}

const signInAgain = { code: 'UNAUTHENTICATED', message: 'Please sign in again.' };

describe('auth', () => {
  let db: TestDb;
  let orm: MikroORM;
  let auth: AuthService;
  const log = createLogger('silent');
  const config = loadConfig({});
  /** One "node": its own key cache and revoked sign-ins, on the shared database. */
  const node = (opts: Partial<AuthServiceDeps> = {}) =>
    createAuthService({ orm, config, log, ...opts });
  const register = (svc: AuthService = auth, overrides: Record<string, unknown> = {}) =>
    svc.register({ email: email(), password: PASSWORD, name: 'Asha', ...overrides });
  const familyRows = async (familyId: string) =>
    (
      await db.pool.query(
        `select used_at, revoked_at from refresh_tokens where family_id = $1 order by created_at`,
        [familyId],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDb();
    orm = await createOrm({ url: db.url, poolMax: 5 });
    auth = node();
  });
  afterAll(async () => {
    await orm.close(true);
    await db.close();
  });

  // First: it needs a database where no node has made the JWT secret yet.
  it('nodes with no configured secret create one together and accept each other’s tokens', async () => {
    expect((await db.pool.query(`select * from server_secrets`)).rowCount).toBe(0);
    const nodes = Array.from({ length: 6 }, () => node());
    // Every node loads the key at once (even a malformed token is checked against it).
    expect(await outcomes(nodes.map((n) => n.verifyAccessToken('not-a-jwt')))).toEqual(
      nodes.map(() => 'UNAUTHENTICATED'),
    );
    const [a, b] = [nodes[0]!, nodes[5]!];
    const [fromA, fromB] = await Promise.all([register(a), register(b)]);
    const secrets = await db.pool.query(`select name, value from server_secrets`);
    expect(secrets.rows).toHaveLength(1);
    expect(secrets.rows[0].name).toBe('jwt');
    expect(secrets.rows[0].value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await b.verifyAccessToken(fromA.accessToken)).userId).toBe(fromA.user.id);
    expect((await a.verifyAccessToken(fromB.accessToken)).userId).toBe(fromB.user.id);
    expect((await auth.verifyAccessToken(fromA.accessToken)).userId).toBe(fromA.user.id);
  });

  it('register, sign in and me: one account, a hashed password, hashed refresh tokens', async () => {
    const address = email();
    const before = Date.now();
    const registered = await auth.register({
      email: `  ${address.toUpperCase()}`,
      password: PASSWORD,
      name: '  Asha Rao ',
    });
    expect(registered.user).toEqual({
      id: expect.any(Number),
      email: address,
      name: 'Asha Rao',
      role: 'user',
    });
    const accessMs = Date.parse(registered.accessExpiresAt) - before;
    expect(accessMs).toBeGreaterThan(890_000);
    expect(accessMs).toBeLessThan(910_000);
    const refreshDays = (Date.parse(registered.refreshExpiresAt) - before) / 86_400_000;
    expect(refreshDays).toBeCloseTo(30, 1);

    const signedIn = await auth.login({ email: address.toUpperCase(), password: PASSWORD });
    expect(signedIn.user).toEqual(registered.user);
    const who = await auth.verifyAccessToken(signedIn.accessToken);
    expect(who).toMatchObject({ userId: registered.user.id, role: 'user' });
    expect(who.expiresAt.toISOString()).toBe(signedIn.accessExpiresAt);
    // A new sign-in is a new family.
    expect(who.familyId).not.toBe((await auth.verifyAccessToken(registered.accessToken)).familyId);
    expect(await auth.me(who.userId)).toEqual(registered.user);

    const user = await db.pool.query(`select password_hash from users where id = $1`, [who.userId]);
    expect(user.rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(signedIn.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db.pool.query(
      `select token_hash, family_id from refresh_tokens where user_id = $1`,
      [who.userId],
    );
    expect(stored.rows.map((r) => r.token_hash).sort()).toEqual(
      [sha256(registered.refreshToken), sha256(signedIn.refreshToken)].sort(),
    );
  });

  it('a taken email is VALIDATION "That email is already registered.", whatever its case', async () => {
    const address = email();
    await auth.register({ email: address, password: PASSWORD, name: 'First' });
    expect(
      await refusal(
        auth.register({ email: address.toUpperCase(), password: 'another-pass', name: 'Second' }),
      ),
    ).toEqual({ code: 'VALIDATION', message: 'That email is already registered.' });
    const rows = await db.pool.query(`select name from users where email = $1`, [address]);
    expect(rows.rows).toEqual([{ name: 'First' }]);
    // The first owner still signs in with their own password.
    await auth.login({ email: address, password: PASSWORD });
  });

  it('a wrong password and an unknown email get the same answer, and both check a hash', async () => {
    const { user } = await register();
    const verify = vi.mocked(argon2.verify);

    verify.mockClear();
    const wrongPassword = await refusal(
      auth.login({ email: user.email, password: 'not-it-at-all' }),
    );
    expect(verify).toHaveBeenCalledTimes(1);

    verify.mockClear();
    const unknownEmail = await refusal(auth.login({ email: email(), password: PASSWORD }));
    // No such user, yet a hash was verified: the answer takes as long as for a real account.
    expect(verify).toHaveBeenCalledTimes(1);

    const expected = { code: 'UNAUTHENTICATED', message: 'Wrong email or password.' };
    expect(wrongPassword).toEqual(expected);
    expect(unknownEmail).toEqual(expected);
  });

  it('refresh rotates; the spent token presented again revokes the whole family at once', async () => {
    const first = await register();
    const otherSession = await auth.login({ email: first.user.email, password: PASSWORD });
    const { familyId } = await auth.verifyAccessToken(first.accessToken);

    const second = await auth.refresh({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user).toEqual(first.user);
    // Warm this node's cache for the family: the revocation below must still get through.
    expect((await auth.verifyAccessToken(second.accessToken)).familyId).toBe(familyId);
    const third = await auth.refresh({ refreshToken: second.refreshToken });

    // The spent token again: refused, and the family is revoked.
    expect(await refusal(auth.refresh({ refreshToken: first.refreshToken }))).toEqual(signInAgain);
    expect((await familyRows(familyId)).every((r) => r.revoked_at !== null)).toBe(true);
    // So the newest token of the family, never used, is refused too,
    expect(await refusal(auth.refresh({ refreshToken: third.refreshToken }))).toEqual(signInAgain);
    // and so are the family's access tokens, on this node without waiting for the cache.
    for (const t of [first, second, third]) {
      expect(await refusal(auth.verifyAccessToken(t.accessToken))).toEqual(signInAgain);
    }
    // Another sign-in of the same user is untouched.
    await auth.verifyAccessToken(otherSession.accessToken);
    await auth.refresh({ refreshToken: otherSession.refreshToken });
  });

  it('unknown and expired refresh tokens are refused without revoking anything', async () => {
    expect(await refusal(auth.refresh({ refreshToken: 'x'.repeat(43) }))).toEqual(signInAgain);
    const session = await register();
    const { familyId } = await auth.verifyAccessToken(session.accessToken);
    await db.pool.query(
      `update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = $1`,
      [sha256(session.refreshToken)],
    );
    expect(await refusal(auth.refresh({ refreshToken: session.refreshToken }))).toEqual(
      signInAgain,
    );
    expect(await familyRows(familyId)).toEqual([{ used_at: null, revoked_at: null }]);
  });

  it('a family with any revoked token cannot be refreshed (a revocation that raced a rotation)', async () => {
    const first = await register();
    const second = await auth.refresh({ refreshToken: first.refreshToken });
    // What a revocation leaves when it commits while a rotation holds the row lock: the older
    // token revoked, the one the rotation inserted meanwhile not.
    await db.pool.query(`update refresh_tokens set revoked_at = now() where token_hash = $1`, [
      sha256(first.refreshToken),
    ]);
    expect(await refusal(auth.refresh({ refreshToken: second.refreshToken }))).toEqual(signInAgain);
    // A node that starts now learns the revocation from the database.
    const fresh = node();
    await fresh.loadRevocations();
    expect(await refusal(fresh.verifyAccessToken(second.accessToken))).toEqual(signInAgain);
  });

  it('logout ends that sign-in only; an unknown token is a no-op', async () => {
    const phone = await register();
    const laptop = await auth.login({ email: phone.user.email, password: PASSWORD });
    await auth.logout(phone.refreshToken);
    expect(await refusal(auth.refresh({ refreshToken: phone.refreshToken }))).toEqual(signInAgain);
    expect(await refusal(auth.verifyAccessToken(phone.accessToken))).toEqual(signInAgain);
    await auth.verifyAccessToken(laptop.accessToken);
    await auth.refresh({ refreshToken: laptop.refreshToken });
    await auth.logout('y'.repeat(43));
  });

  it('a revocation is announced through the outbox with its audit row; a node handed it refuses from memory', async () => {
    const a = auth;
    const b = node();
    const session = await register(a);
    const familyId = (
      await db.pool.query<{ family_id: string }>(
        `select family_id from refresh_tokens where token_hash = $1`,
        [sha256(session.refreshToken)],
      )
    ).rows[0]!.family_id;
    await b.verifyAccessToken(session.accessToken);

    // The HTTP route passes the request body; the bare token works too (see below).
    await a.logout({ refreshToken: session.refreshToken });
    expect(await refusal(a.verifyAccessToken(session.accessToken))).toEqual(signInAgain);
    expect(await refusal(b.refresh({ refreshToken: session.refreshToken }))).toEqual(signInAgain);
    const { rows } = await db.pool.query<{ payload: unknown; audited: string }>(
      `select o.payload, a.action as audited from outbox o join audit_log a on a.xid = o.xid
        where o.event = 'session:revoked' and o.payload ->> 'familyId' = $1`,
      [familyId],
    );
    expect(rows).toEqual([
      { payload: { userId: session.user.id, familyId }, audited: 'session.revoked' },
    ]);
    // What B's relay does with that row (the cluster tests run it across real nodes).
    b.sessionRevoked(rows[0]!.payload as { userId: number; familyId: string });
    expect(await refusal(b.verifyAccessToken(session.accessToken))).toEqual(signInAgain);
    // A second logout of the same sign-in announces nothing more.
    await a.logout({ refreshToken: session.refreshToken });
    const again = await db.pool.query(
      `select 1 from outbox where event = 'session:revoked' and payload ->> 'familyId' = $1`,
      [familyId],
    );
    expect(again.rowCount).toBe(1);
    await db.assertIntegrity();
  });

  it('sign out everywhere ends every sign-in of the user and no other', async () => {
    const phone = await register();
    const laptop = await auth.login({ email: phone.user.email, password: PASSWORD });
    const someoneElse = await register();
    expect(await auth.signOutEverywhere(phone.user.id)).toEqual({ signedOut: 2 });
    for (const s of [phone, laptop]) {
      expect(await refusal(auth.verifyAccessToken(s.accessToken))).toEqual(signInAgain);
      expect(await refusal(auth.refresh({ refreshToken: s.refreshToken }))).toEqual(signInAgain);
    }
    await auth.verifyAccessToken(someoneElse.accessToken);
    expect(await auth.signOutEverywhere(phone.user.id)).toEqual({ signedOut: 0 });
    await db.assertIntegrity();
  });

  it('two concurrent refreshes of one token: exactly one succeeds, and the family is revoked', async () => {
    for (let round = 0; round < 5; round++) {
      const session = await register();
      const results = await Promise.allSettled([
        auth.refresh({ refreshToken: session.refreshToken }),
        auth.refresh({ refreshToken: session.refreshToken }),
      ]);
      expect(codesOf(results).sort()).toEqual(['OK', 'UNAUTHENTICATED']);
      // The loser was treated as reuse: even the winner's new token is now refused.
      const won = results.find((r) => r.status === 'fulfilled')!.value;
      expect(await refusal(auth.refresh({ refreshToken: won.refreshToken }))).toEqual(signInAgain);
      expect(await refusal(auth.verifyAccessToken(won.accessToken))).toEqual(signInAgain);
    }
  });

  it('without the row lock both refreshes of one token would succeed (the race is real)', async () => {
    const unlocked = node({ hooks: { skipRefreshLock: true } });
    let bothWon = 0;
    for (let round = 0; round < 8; round++) {
      const session = await register(unlocked);
      const codes = await outcomes([
        unlocked.refresh({ refreshToken: session.refreshToken }),
        unlocked.refresh({ refreshToken: session.refreshToken }),
      ]);
      if (codes.every((c) => c === 'OK')) bothWon++;
    }
    expect(bothWon).toBeGreaterThan(0);
  });

  it('an expired access token is refused', async () => {
    // 2 s, not 1: `exp` is in whole seconds, so a 1 s token signed late in a second lives ~0 s.
    const shortLived = node({ accessTtlSeconds: 2 });
    const session = await register(shortLived);
    expect(Date.parse(session.accessExpiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    await auth.verifyAccessToken(session.accessToken);
    await sleep(Date.parse(session.accessExpiresAt) - Date.now() + 100);
    expect(await refusal(auth.verifyAccessToken(session.accessToken))).toEqual(signInAgain);
    // The session itself lives on: a refresh gives a fresh access token.
    const renewed = await shortLived.refresh({ refreshToken: session.refreshToken });
    await auth.verifyAccessToken(renewed.accessToken);
  });

  it('a token signed with another secret, or for another issuer or audience, is refused', async () => {
    const foreign = node({ jwtSecret: 'another-secret-of-at-least-32-characters' });
    const theirs = await register(foreign);
    expect((await foreign.verifyAccessToken(theirs.accessToken)).userId).toBe(theirs.user.id);
    expect(await refusal(auth.verifyAccessToken(theirs.accessToken))).toEqual(signInAgain);

    // Hand-made tokens with the real shared secret: only the claim under test is wrong.
    const ours = await register();
    const { familyId } = await auth.verifyAccessToken(ours.accessToken);
    const secret = (await db.pool.query(`select value from server_secrets where name = 'jwt'`))
      .rows[0].value as string;
    const forge = (iss: string, aud: string, alg = 'HS256') =>
      new SignJWT({ role: 'admin', fam: familyId })
        .setProtectedHeader({ alg })
        .setSubject(String(ours.user.id))
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(randomUUID())
        .sign(new TextEncoder().encode(secret));
    expect(await auth.verifyAccessToken(await forge('berth', 'berth'))).toMatchObject({
      userId: ours.user.id,
      role: 'admin',
    });
    for (const token of [
      await forge('elsewhere', 'berth'),
      await forge('berth', 'elsewhere'),
      await forge('berth', 'berth', 'HS512'),
      `${ours.accessToken.split('.').slice(0, 2).join('.')}.`, // signature stripped
      'not-a-jwt',
    ]) {
      expect(await refusal(auth.verifyAccessToken(token))).toEqual(signInAgain);
    }
  });

  it('bad input is VALIDATION', async () => {
    const taken = await register();
    const bad: Promise<unknown>[] = [
      auth.register({ email: 'not-an-email', password: PASSWORD, name: 'A' }),
      auth.register({ email: email(), password: 'short', name: 'A' }),
      auth.register({ email: email(), password: PASSWORD, name: '   ' }),
      auth.register({ email: email(), password: PASSWORD, name: 'A', role: 'admin' }),
      auth.register({ email: `${'a'.repeat(200)}@test.berth.dev`, password: PASSWORD, name: 'A' }),
      auth.register(null),
      auth.login({ email: taken.user.email }),
      auth.login({ email: taken.user.email, password: 'x'.repeat(201) }),
      auth.refresh({ refreshToken: 'too-short' }),
      auth.refresh({ refreshToken: taken.refreshToken, extra: true }),
      auth.refresh('just-a-string'),
      auth.logout(42),
      auth.logout({ refreshToken: 'too-short' }),
      auth.revokeFamily('not-a-uuid'),
      auth.me(1.5),
    ];
    expect(await outcomes(bad)).toEqual(bad.map(() => 'VALIDATION'));
    // None of it touched the session.
    await auth.refresh({ refreshToken: taken.refreshToken });
  });
});
