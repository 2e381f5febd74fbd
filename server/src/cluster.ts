import { demoEnabled, loadConfig } from './config/env.ts';
import { createLogger } from './common/logger.ts';
import { openDatabase } from './db/database.ts';
import { seedDatabase } from './db/seeders/seed.ts';
import { startLocalRedis, type LocalRedis } from './cluster/local-redis.ts';
import { spawnNode, type NodeProcess } from './cluster/spawn-node.ts';

/**
 * `pnpm cluster [N]`: PostgreSQL (embedded unless DATABASE_URL), Redis (REDIS_URL, or a local
 * redis-server started here), and N Berth nodes (default 3) on consecutive ports from PORT.
 * The same topology as docker-compose.yml, without Docker.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'cluster');
  const count = Number(process.argv[2] ?? process.env.CLUSTER_NODES ?? 3);
  if (!Number.isInteger(count) || count < 1 || count > 16)
    throw new Error('node count must be 1 to 16');

  const db = await openDatabase(config, log);
  const demo = demoEnabled(config);
  const summary = await seedDatabase(db.orm.em.fork(), { demo });
  await db.orm.em.getConnection().execute('analyze');
  log.info(summary, 'catalog seeded');

  let redis: LocalRedis | undefined;
  let redisUrl = config.REDIS_URL;
  if (!redisUrl) {
    redis = await startLocalRedis(config.PORT + 1000);
    redisUrl = redis.url;
  }
  const nodes: NodeProcess[] = [];
  const shutdown = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  for (let i = 0; i < count; i++) {
    const name = `node-${i + 1}`;
    const node = await spawnNode({
      name,
      port: config.PORT + i,
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        SEED_ON_START: 'false',
        BERTH_DEMO: String(demo),
      },
      log: (line) => process.stdout.write(`[${name}] ${line}\n`),
    });
    nodes.push(node);
    void node.exited.then((code) => console.log(`${name} exited (${code ?? 'signal'})`));
  }
  console.log(
    `\nBerth cluster: ${count} node(s), Redis ${redisUrl}${redis ? ' (local)' : ''}, ${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`,
  );
  for (const node of nodes) console.log(`  ${node.name}  ${node.url}  (pid ${node.child.pid})`);
  console.log('Ctrl-C stops them all.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
