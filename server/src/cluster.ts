import { loadConfig } from './config/env.ts';
import { createLogger } from './common/logger.ts';
import { startStack } from './cluster/stack.ts';

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

  const stack = await startStack({
    config,
    nodes: count,
    log,
    onNodeLine: (name, line) => process.stdout.write(`[${name}] ${line}\n`),
  });
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  for (const node of stack.nodes)
    void node.exited.then((code) => console.log(`${node.name} exited (${code ?? 'signal'})`));

  console.log(
    `\nBerth cluster: ${count} node(s), Redis ${stack.redisUrl}${stack.localRedis ? ' (local)' : ''}, ${stack.db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`,
  );
  for (const node of stack.nodes)
    console.log(`  ${node.name}  ${node.url}  (pid ${node.child.pid})`);
  console.log('Ctrl-C stops them all.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
