import { randomUUID } from 'node:crypto';
import { httpRoutes, type AuthTokens, type HttpRouteSpec } from '@berth/shared';
import FindMyWay from 'find-my-way';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/common/logger.ts';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { createOrm } from '../../src/db/orm.ts';
import type { TestHooks } from '../../src/engine-context.ts';
import type { TestDb } from './harness.ts';

/** The transport under test: CI runs the real-time suite once per transport. */
export const TRANSPORT = (process.env.BERTH_TRANSPORT ?? 'auto') as Config['BERTH_TRANSPORT'];

export interface TestNode {
  app: App;
  url: string;
  close(): Promise<void>;
}

/** Nodes of this process on uWS that are listening (at most one: see startNode). */
let liveUwsNodes = 0;

/**
 * One Berth node in this process on a free port, against the test file's database.
 *
 * On uWS, a process serves one Socket.IO node at a time: `io.attachApp` patches socket.io's
 * Adapter prototype for the last app attached, so a second node would silently take the first
 * one's broadcasts. Starting a second one while the first listens is refused; run tests that
 * need other settings in a suite of their own, or nodes in processes of their own (the cluster
 * tests).
 */
export async function startNode(
  db: Pick<TestDb, 'url'>,
  opts: { config?: Partial<Config>; hooks?: TestHooks } = {},
): Promise<TestNode> {
  const config: Config = {
    ...loadConfig({}),
    DATABASE_URL: db.url,
    DB_POOL_MAX: 30,
    BERTH_TRANSPORT: TRANSPORT,
    OUTBOX_RELAY_INTERVAL_MS: 20,
    LOG_LEVEL: 'silent',
    ...opts.config,
  };
  const orm = await createOrm({ url: db.url, poolMax: config.DB_POOL_MAX });
  const app = createApp({
    orm,
    config,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    hooks: opts.hooks,
  });
  const onUws = app.transport.kind === 'uws';
  if (onUws && liveUwsNodes > 0) {
    await orm.close(true);
    throw new Error('a uWS node is already listening in this process: close it first');
  }
  const { port } = await app.listen(0);
  if (onUws) liveUwsNodes++;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await orm.close(true);
      if (onUws) liveUwsNodes--;
    },
  };
}

/** Registers a fresh user through the auth service and returns its tokens. */
export async function signUp(node: TestNode, name = 'Tester'): Promise<AuthTokens> {
  return node.app.auth.register({
    email: `${randomUUID()}@test.berth.dev`,
    password: 'correct horse battery',
    name,
  });
}

/** JSON over HTTP: `{ status, body }`. */
export async function http(
  node: TestNode,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined || opts.raw !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // metrics are text
  }
  if (res.ok) assertDescribed(method, path, body);
  return { status: res.status, body };
}

/** The table's routes, matched the way the node matches them. */
const contract = FindMyWay({ ignoreTrailingSlash: true });
for (const spec of Object.values(httpRoutes) as HttpRouteSpec[]) {
  contract.on(spec.method, spec.path, () => spec);
}

/** The route of the table a request lands on, matched the way the node matches it; null if none. */
export function routeOf(method: string, path: string): HttpRouteSpec | null {
  let pathname: string;
  try {
    pathname = new URL(path, 'http://berth.test').pathname;
  } catch {
    return null;
  }
  const found = contract.find(method.toUpperCase() as 'GET', pathname);
  return found ? (found.handler as () => HttpRouteSpec)() : null;
}

/**
 * A success's body is one the route table in `shared/` describes: `data` of an ack, or the whole
 * body (format `json`); the error of a refusal names a known code. Null, or what is wrong.
 */
export function undescribed(spec: HttpRouteSpec, body: unknown): string | null {
  const format = spec.format ?? 'ack';
  if (format !== 'ack' && format !== 'json') return null;
  const answer = format === 'ack' ? (body as { data?: unknown } | null)?.data : body;
  const checked = spec.answer.safeParse(answer);
  return checked.success ? null : checked.error.message;
}

/** Every success a test reads over HTTP is one the route table in `shared/` describes. */
function assertDescribed(method: string, path: string, body: unknown) {
  const spec = routeOf(method, path);
  const problem = spec && undescribed(spec, body);
  if (problem)
    throw new Error(`${method} ${path} answered what its route does not describe: ${problem}`);
}
