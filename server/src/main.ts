import { loadConfig, ConfigError } from './config/env.ts';
import { createLogger } from './common/logger.ts';
import { openDatabase } from './db/database.ts';
import { seedDatabase } from './db/seeders/seed.ts';
import { createEngine } from './engine.ts';

/** Composition root: configuration, database, engine and its background jobs. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config, log);
  if (config.SEED_ON_START) {
    const summary = await seedDatabase(db.orm.em.fork());
    // Fresh tables have no statistics yet; give the planner some before the first hold.
    await db.orm.em.getConnection().execute('analyze');
    log.info(summary, 'catalog seeded');
  }
  const engine = createEngine({ orm: db.orm, config, log });
  await engine.init();
  engine.startJobs();
  log.info(
    { database: db.embedded ? 'embedded' : 'DATABASE_URL', holdSeconds: config.HOLD_SECONDS },
    'Berth booking engine running (expiry sweeper and payment reconciler started)',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await engine.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
