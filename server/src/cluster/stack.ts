import type { Logger } from '../common/logger.ts';
import { demoEnabled, type Config } from '../config/env.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { seedDatabase, type SeedSummary } from '../db/seeders/seed.ts';
import { startLocalRedis, type LocalRedis } from './local-redis.ts';
import { spawnNode, type NodeProcess } from './spawn-node.ts';

export interface StackOptions {
  /** DATABASE_URL (else the embedded PostgreSQL of BERTH_DATA_DIR/EMBEDDED_PG_PORT), REDIS_URL, PORT. */
  config: Config;
  nodes: number;
  /** One port per node; default consecutive ports from config.PORT. */
  ports?: number[];
  /** Where the local redis-server listens when REDIS_URL is unset; default config.PORT + 1000. */
  redisPort?: number;
  /** Added to every node's environment (over the parent's). */
  nodeEnv?: Record<string, string>;
  /** Every line a node prints. */
  onNodeLine?: (node: string, line: string) => void;
  log: Logger;
}

export interface Stack {
  db: Database;
  seeded: SeedSummary;
  redisUrl: string;
  /** The redis-server started here, when REDIS_URL was unset. */
  localRedis: LocalRedis | undefined;
  nodes: NodeProcess[];
  demo: boolean;
  /** SIGKILLs node `index` (no goodbye, as a crash) and starts it again on its port. */
  restartNode(index: number): Promise<void>;
  /** Stops the local redis-server and starts it again on its port (only one started here). */
  restartRedis(): Promise<void>;
  /** Nodes first, then Redis (if started here), then the database (and the embedded server). */
  stop(): Promise<void>;
}

/**
 * PostgreSQL (embedded unless DATABASE_URL) migrated and seeded, Redis (REDIS_URL, or a local
 * redis-server), and N Berth nodes as processes of their own, each up and on Redis before this
 * resolves: `pnpm cluster` and the load test start the same thing. Whatever was started is
 * stopped again if a later step fails.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const { config, log } = opts;
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > 16)
    throw new Error('node count must be 1 to 16');
  const ports = opts.ports ?? Array.from({ length: opts.nodes }, (_, i) => config.PORT + i);
  if (ports.length !== opts.nodes) throw new Error('one port per node');

  const db = await openDatabase(config, log);
  let redis: LocalRedis | undefined;
  const nodes: NodeProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
    await db.close();
  };
  try {
    const demo = demoEnabled(config);
    const seeded = await seedDatabase(db.orm.em.fork(), { demo });
    await db.orm.em.getConnection().execute('analyze');
    log.info(seeded, 'catalog seeded');

    let redisUrl = config.REDIS_URL;
    if (!redisUrl) {
      redis = await startLocalRedis(opts.redisPort ?? config.PORT + 1000);
      redisUrl = redis.url;
    }
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      SEED_ON_START: 'false',
      BERTH_DEMO: String(demo),
      ...opts.nodeEnv,
    };
    const start = (port: number, i: number) => {
      const name = `node-${i + 1}`;
      return spawnNode({
        name,
        port,
        env,
        log: (line) => opts.onNodeLine?.(name, line),
        readyTimeoutMs: 60_000,
      });
    };
    const started = await Promise.allSettled(ports.map(start));
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    await untilOnRedis(nodes, 15_000);
    const restartNode = async (index: number) => {
      const node = nodes[index]!;
      node.child.kill('SIGKILL');
      await node.exited;
      nodes[index] = await start(node.port, index);
    };
    const restartRedis = async () => {
      if (!redis) throw new Error('only a redis-server started here can be restarted');
      await redis.stop();
      redis = await startLocalRedis(redis.port);
    };
    return {
      db,
      seeded,
      redisUrl,
      get localRedis() {
        return redis;
      },
      nodes,
      demo,
      restartNode,
      restartRedis,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Every node says Redis is up: before that, a node would carry changes through PostgreSQL only. */
async function untilOnRedis(nodes: NodeProcess[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(
      nodes.map(async (n) => {
        const res = await fetch(`${n.url}/api/health`);
        const body = (await res.json()) as { data?: { redis?: { state?: string } } };
        return body.data?.redis?.state;
      }),
    );
    if (states.every((s) => s === 'up')) return;
    if (Date.now() > deadline)
      throw new Error(`the nodes did not reach Redis within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
