import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

const LIMITS = 'http:auth=6,http:auth-account=3,http:read=8,http:write=4';
let next = 0;
/** An address of this test's own (behind the balancer, TRUST_PROXY). */
const address = () => `203.0.113.${++next}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe(`HTTP rate limits (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { RATE_LIMITS: LIMITS, TRUST_PROXY: true } });
  });
  afterAll(async () => {
    await node.close();
    await db.close();
  });

  const login = (email: string, password: string, ip: string) =>
    http(node, 'POST', '/api/auth/login', { body: { email, password }, headers: from(ip) });

  it('password guessing on one account stops after the limit, from any address, with Retry-After', async () => {
    const victim = await signUp(node);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await login(victim.user.email, `guess ${i}`, address())).status);
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await login(victim.user.email, 'guess 4', address());
    expect([refused.status, refused.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.body.error.details.retryAfterMs).toBeGreaterThan(0);
    const res = await fetch(`${node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from(address()) },
      body: JSON.stringify({
        email: victim.user.email.toUpperCase(),
        password: 'correct horse battery',
      }),
    });
    // Even the right password (and the email in another case) waits: the limit tells nothing.
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('one address is limited across accounts: sign-in, registration and refresh together', async () => {
    const ip = address();
    const codes: number[] = [];
    for (let i = 0; i < 2; i++)
      codes.push((await login(`${randomUUID()}@test.berth.dev`, 'pw', ip)).status);
    for (let i = 0; i < 2; i++) {
      const reg = await http(node, 'POST', '/api/auth/register', {
        body: { email: `${randomUUID()}@test.berth.dev`, password: 'long enough pw', name: 'R' },
        headers: from(ip),
      });
      codes.push(reg.status);
    }
    for (let i = 0; i < 2; i++) {
      const refresh = await http(node, 'POST', '/api/auth/refresh', {
        body: { refreshToken: randomUUID() + randomUUID() },
        headers: from(ip),
      });
      codes.push(refresh.status);
    }
    expect(codes).toEqual([401, 401, 201, 201, 401, 401]);
    expect((await login(`${randomUUID()}@test.berth.dev`, 'pw', ip)).status).toBe(429);
    // Another address is not held up by this one.
    expect((await login(`${randomUUID()}@test.berth.dev`, 'pw', address())).status).toBe(401);
  });

  it('behind the balancer the address is the last X-Forwarded-For entry, which a client cannot choose', async () => {
    const ip = address();
    for (let i = 0; i < 6; i++) {
      const spoofed = `198.51.100.${i}, ${ip}`;
      expect((await login(`${randomUUID()}@test.berth.dev`, 'pw', spoofed)).status).toBe(401);
    }
    expect(
      (await login(`${randomUUID()}@test.berth.dev`, 'pw', `198.51.100.99, ${ip}`)).status,
    ).toBe(429);
  });

  it('reads are limited per user when signed in, per address when not; health is not limited', async () => {
    const [alice, bob] = [await signUp(node), await signUp(node)];
    const ip = address();
    const read = (token?: string) =>
      http(node, 'GET', '/api/bookings', { token, headers: from(ip) }).then((r) => r.status);
    const aliceReads = [];
    for (let i = 0; i < 9; i++) aliceReads.push(await read(alice.accessToken));
    expect(aliceReads).toEqual([...Array(8).fill(200), 429]);
    expect(await read(bob.accessToken)).toBe(200); // same address, another user
    const anonymous = [];
    for (let i = 0; i < 9; i++)
      anonymous.push((await http(node, 'GET', '/api/stations', { headers: from(ip) })).status);
    expect(anonymous).toEqual([...Array(8).fill(200), 429]);
    for (let i = 0; i < 12; i++)
      expect((await http(node, 'GET', '/api/health', { headers: from(ip) })).status).toBe(200);
  });
});

describe(`HTTP rate limits without TRUST_PROXY (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { RATE_LIMITS: 'http:auth=3' } });
  });
  afterAll(async () => {
    await node.close();
    await db.close();
  });

  it('X-Forwarded-For is not believed: a new one per request does not escape the limit', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await http(node, 'POST', '/api/auth/login', {
        body: { email: `${randomUUID()}@test.berth.dev`, password: 'pw' },
        headers: from(`192.0.2.${i}`),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
