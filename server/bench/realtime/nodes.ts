import { freePort, startLocalRedis } from '../../src/cluster/local-redis.ts';
import { spawnNode, type NodeProcess } from '../../src/cluster/spawn-node.ts';
import { readCpuMs, readRssKb } from '../../src/cluster/proc.ts';

export type TransportSide = 'auto' | 'node';

/** Lines of node output echoed per node; the rest are only counted. */
const ECHO_LINES = 10;

export interface Cluster {
  nodes: NodeProcess[];
  ports: number[];
  /** What the nodes' /api/health says they run on. */
  transports: string[];
  /** Summed VmRSS of the nodes, KiB. */
  rssKb(): number;
  /** Summed CPU time of the nodes, ms. */
  cpuMs(): number;
  /** Open sockets per node, from /api/health. */
  sockets(): Promise<number[]>;
  stop(): Promise<void>;
}

/**
 * A local redis-server and `count` Berth nodes as child processes on one database, with limits
 * lifted so the bench measures delivery rather than the guards against abuse.
 */
export async function startCluster(opts: {
  transport: TransportSide;
  databaseUrl: string;
  jwtSecret: string;
  count: number;
}): Promise<Cluster> {
  const redis = await startLocalRedis(await freePort());
  const nodes: NodeProcess[] = [];
  let redisConfirmed = false;
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.stop();
  };
  try {
    const ports = await distinctFreePorts(opts.count);
    const started = await Promise.allSettled(
      ports.map((port, i) => {
        const name = `${opts.transport}-${i + 1}`;
        let lines = 0;
        return spawnNode({
          name,
          port,
          env: {
            DATABASE_URL: opts.databaseUrl,
            REDIS_URL: redis.url,
            BERTH_TRANSPORT: opts.transport,
            LOG_LEVEL: 'warn',
            SEED_ON_START: 'false',
            BERTH_DEMO: 'false',
            DB_POOL_MAX: '20',
            MAX_SOCKETS_PER_USER: '1000',
            RATE_LIMITS: 'hold:create=100000,run:watch=100000,http:read=100000,http:write=100000',
            JWT_SECRET: opts.jwtSecret,
            // No hold lapses while the bench runs: expiries would push changes of their own.
            HOLD_SECONDS: '3600',
          },
          log: (line) => {
            // Every node warns once that Redis is unreachable before its first connect; the
            // health check below is what says whether it came up.
            if (!redisConfirmed && line.includes('Redis unreachable')) return;
            if (++lines <= ECHO_LINES) console.log(`  [${name}] ${line.slice(0, 300)}`);
            else if (lines === ECHO_LINES + 1) console.log(`  [${name}] (further output hidden)`);
          },
          readyTimeoutMs: 60_000,
        });
      }),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const health = async () =>
      Promise.all(
        nodes.map(async (n) => {
          const res = await fetch(`${n.url}/api/health`);
          return ((await res.json()) as { data: NodeHealth }).data;
        }),
      );
    // Measure only with cross-node pushes on: a node without Redis would tail the outbox itself.
    const deadline = Date.now() + 15_000;
    while (!(await health()).every((h) => h.redis.state === 'up')) {
      if (Date.now() > deadline) throw new Error('the nodes did not reach Redis within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    redisConfirmed = true;
    const transports = (await health()).map((h) => h.transport);
    return {
      nodes,
      ports,
      transports,
      rssKb: () => nodes.reduce((sum, n) => sum + readRssKb(n.child.pid ?? 0), 0),
      cpuMs: () => nodes.reduce((sum, n) => sum + readCpuMs(n.child.pid ?? 0), 0),
      sockets: async () => (await health()).map((h) => h.sockets),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface NodeHealth {
  transport: string;
  sockets: number;
  redis: { state: string };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
