import type { AuthTokens } from '@berth/shared';
import { afterAll, beforeAll } from 'vitest';
import { freePort, startLocalRedis, type LocalRedis } from '../../src/cluster/local-redis.ts';
import { spawnNode, type NodeProcess } from '../../src/cluster/spawn-node.ts';
import { createOrm } from '../../src/db/orm.ts';
import { DEMO_USERS, seedDatabase } from '../../src/db/seeders/seed.ts';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, key, type TestRun } from '../support/fixtures.ts';
import { ask, connect, type ClientSocket } from '../support/live.ts';

/**
 * A cluster of real node processes for one test file: its own database (seeded, with a test
 * run), a Redis of its own, and nodes A and B. More nodes can be started (`start`), and every
 * socket and node is closed after the file's tests.
 */
export interface Cluster {
  db: TestDb;
  /** Replaced by a test that restarts Redis, so the new one is stopped at the end. */
  redis: LocalRedis;
  a: NodeProcess;
  b: NodeProcess;
  run: TestRun;
  /** A socket to `node` (as the user of `token`), closed after the file. */
  open(node: NodeProcess, token?: string): Promise<ClientSocket>;
  /** Another node on the same database and Redis, with `env` over the defaults. */
  start(name: string, env?: Record<string, string>): Promise<NodeProcess>;
}

/** Starts the cluster before the calling file's tests and stops it after them. */
export function useCluster(): Cluster {
  const sockets: ClientSocket[] = [];
  const nodes: NodeProcess[] = [];
  const cluster = {
    async open(node: NodeProcess, token?: string) {
      const s = await connect(node.url, token);
      sockets.push(s);
      return s;
    },
    async start(name: string, env: Record<string, string> = {}) {
      const node = await spawnNode({
        name,
        port: await freePort(),
        env: {
          DATABASE_URL: cluster.db.url,
          REDIS_URL: cluster.redis.url,
          SEED_ON_START: 'false',
          LOG_LEVEL: 'warn',
          DB_POOL_MAX: '60',
          OUTBOX_RELAY_INTERVAL_MS: '20',
          // Every registration here comes from one address: only the limits under test bite.
          RATE_LIMITS: 'auth:renew=3,http:auth=100000,http:auth-account=4',
          BERTH_DEMO: 'true',
          DIGEST_INTERVAL_MS: '500',
          ...env,
        },
        log: process.env.TEST_LOG_LEVEL ? (line) => console.log(`[${name}] ${line}`) : undefined,
      });
      nodes.push(node);
      return node;
    },
  } as Cluster;

  beforeAll(async () => {
    cluster.db = await createTestDb();
    cluster.redis = await startLocalRedis(await freePort());
    cluster.run = await createTestRun(cluster.db.pool, { stops: 4, seatsPerClass: 40 });
    const orm = await createOrm({ url: cluster.db.url, poolMax: 2 });
    await seedDatabase(orm.em.fork(), { days: 1, demo: true });
    await orm.close(true);
    [cluster.a, cluster.b] = await Promise.all([cluster.start('node-a'), cluster.start('node-b')]);
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster.redis?.stop();
    await cluster.db?.close();
  });
  return cluster;
}

export async function signInAdmin(node: NodeProcess): Promise<string> {
  const login = await fetch(`${node.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_USERS.admin.email, password: DEMO_USERS.admin.password }),
  });
  return ((await login.json()) as { data: AuthTokens }).data.accessToken;
}

/** A new user (password `cluster password`), registered on `node`. */
export async function register(node: NodeProcess, name: string): Promise<AuthTokens> {
  const res = await fetch(`${node.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${name}-${Math.random().toString(36).slice(2)}@test.berth.dev`,
      password: 'cluster password',
      name,
    }),
  });
  const body = (await res.json()) as { ok: boolean; data: AuthTokens };
  return body.data;
}

/** A command that needs the user and changes nothing: UNAUTHENTICATED once cut off. */
export async function probe(socket: ClientSocket): Promise<string> {
  const ack = await ask(socket, 'booking:pay', {
    bookingId: 999_999_999,
    idempotencyKey: key('probe'),
  });
  return ack.ok ? 'OK' : ack.error.code;
}

export const post = (node: NodeProcess, path: string, body: unknown, token?: string) =>
  fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
