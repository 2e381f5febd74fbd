import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../../../server/', import.meta.url));
/** The embedded PostgreSQL's port; E2E_PG_PORT lets two runs share a machine. */
export const PG_PORT = process.env.E2E_PG_PORT ?? '54359';
/** The web build the e2e node serves (its own folder, so a run never serves a half-written one). */
export const WEB_BUILD = fileURLToPath(new URL(`../../.data/e2e-web-${PG_PORT}`, import.meta.url));
/** A throwaway embedded PostgreSQL, wiped before every run so each run starts from the seed. */
const DATA_DIR = fileURLToPath(new URL(`../../.data/e2e-pg-${PG_PORT}`, import.meta.url));

/** Settings every end-to-end run uses: short holds, so a hold can run out inside a test. */
export const E2E_HOLD_SECONDS = 25;

export interface BerthProcess {
  url: string;
  /** Its embedded PostgreSQL's port (user and password `postgres`). */
  pgPort: string;
  stop(): Promise<void>;
}

/**
 * Starts one real Berth node (`node --import tsx src/main.ts`) on an embedded PostgreSQL, serving
 * the freshly built web client, and waits until /api/health answers. The suite's node is the
 * default one; a test that needs other settings starts a node of its own with `instance` (its own
 * data folder, on free ports), while the suite's keeps running.
 */
export async function startBerth(
  extraEnv: Record<string, string> = {},
  instance?: string,
): Promise<BerthProcess> {
  const dataDir = instance ? `${DATA_DIR}-${instance}` : DATA_DIR;
  const pgPort = instance ? String(await freePort()) : PG_PORT;
  rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const inherited = { ...(process.env as Record<string, string>) };
  // The node finds its database and Redis as this suite says, never as the shell happened to.
  delete inherited.DATABASE_URL;
  delete inherited.REDIS_URL;
  const env: Record<string, string> = {
    ...inherited,
    PORT: String(port),
    BERTH_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: pgPort,
    BERTH_WEB_DIR: WEB_BUILD,
    HOLD_SECONDS: String(E2E_HOLD_SECONDS),
    SWEEP_INTERVAL_MS: '500',
    DIGEST_INTERVAL_MS: '2000',
    GATEWAY_LATENCY_MS: '100',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    BERTH_DEMO: 'true',
    NODE_ID: 'e2e',
    // Every browser of the suite signs in from one address, many times a minute.
    RATE_LIMITS: 'http:auth=100000,http:auth-account=100000,http:read=100000,http:write=100000',
    ...extraEnv,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error('the Berth server exited while starting');
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the Berth server did not become healthy in 120 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pgPort,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
