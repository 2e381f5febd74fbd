import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { freePort } from '@berth/server/src/cluster/local-redis.ts';
import { startStack, type Stack } from '@berth/server/src/cluster/stack.ts';
import { loadConfig } from '@berth/server/src/config/env.ts';
import type { LoadtestOptions } from './options.ts';

/** What a run loads: the nodes (started here, or already up with `--target`) and their database. */
export interface SystemUnderTest {
  dbUrl: string;
  nodes: { name: string; url: string; port: number; pid: number }[];
  /** The local redis-server's pid, when this run started one. */
  redisPid: number;
  /** The stack this run started, for the chaos run to kill and restart parts of; none for a target. */
  stack?: Stack;
  /** Stops the nodes this run started, so the verifier reads a database nobody writes to. */
  quiesce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The stack `pnpm cluster` uses, started for this run (PostgreSQL, Redis, `o.nodes` nodes with
 * `settings` and `jwtSecret`, their lines in `nodesLog`); or, with `--target`, the nodes already up,
 * whose own settings and secret apply and which this run leaves running.
 */
export async function startSystem(args: {
  o: LoadtestOptions;
  settings: Record<string, string>;
  jwtSecret: string;
  nodesLog: string;
  log: Logger;
}): Promise<SystemUnderTest> {
  const { o } = args;
  if (o.target) {
    return {
      dbUrl: o.databaseUrl!,
      nodes: o.target.urls.map((url, i) => ({
        name: `node-${i + 1}`,
        url,
        port: Number(new URL(url).port),
        pid: 0,
      })),
      redisPid: 0,
      quiesce: () => Promise.resolve(),
      stop: () => Promise.resolve(),
    };
  }
  // A fresh embedded database per run: every figure is of this run alone.
  if (!o.databaseUrl) fs.rmSync(o.dataDir, { recursive: true, force: true });
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: o.databaseUrl ?? '',
    REDIS_URL: o.redisUrl ?? '',
    BERTH_DATA_DIR: o.dataDir,
    EMBEDDED_PG_PORT: String(o.pgPort),
    BERTH_DEMO: 'false',
    LOG_LEVEL: 'warn',
  });
  const nodesLog = fs.openSync(args.nodesLog, 'a');
  const ports = new Set<number>();
  while (ports.size < o.nodes) ports.add(await freePort());
  const stack = await startStack({
    config,
    nodes: o.nodes,
    ports: [...ports],
    redisPort: o.redisPort,
    nodeEnv: { ...args.settings, JWT_SECRET: args.jwtSecret, LOG_LEVEL: 'warn' },
    onNodeLine: (name, line) => {
      try {
        fs.writeSync(nodesLog, `[${name}] ${line}\n`);
      } catch {
        // the log is closed: the run is over
      }
    },
    log: args.log,
  }).catch((err: unknown) => {
    fs.closeSync(nodesLog);
    throw err;
  });
  if (o.chaos && (!stack.db.embedded || !stack.localRedis)) {
    await stack.stop();
    fs.closeSync(nodesLog);
    throw new Error(
      '--chaos restarts PostgreSQL and Redis: it needs the embedded PostgreSQL and a local redis-server (unset DATABASE_URL and REDIS_URL)',
    );
  }
  return {
    dbUrl: stack.db.url,
    nodes: stack.nodes.map((n) => ({
      name: n.name,
      url: n.url,
      port: n.port,
      pid: n.child.pid ?? 0,
    })),
    redisPid: stack.localRedis?.pid ?? 0,
    stack,
    quiesce: async () => {
      await Promise.all(stack.nodes.map((n) => n.stop()));
    },
    stop: async () => {
      await stack.stop();
      fs.closeSync(nodesLog);
    },
  };
}

export const nodesLogOf = (dir: string) => path.join(dir, 'nodes.log');
