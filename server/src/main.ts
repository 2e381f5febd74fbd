import { demoEnabled, loadConfig, ConfigError } from './config/env.ts';
import { createLogger } from './common/logger.ts';
import { openDatabase } from './db/database.ts';
import { seedDatabase } from './db/seeders/seed.ts';
import { createApp } from './app.ts';

/** Composition root: configuration, database, then one Berth node listening on PORT. */
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
  // A stray rejection must not take a node (and its sockets) down: log it loudly instead.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  const db = await openDatabase(config, log);
  if (config.SEED_ON_START) {
    // Runs for every date search answers, so a bookable day is never empty for want of seeding.
    const summary = await seedDatabase(db.orm.em.fork(), {
      days: config.BOOKING_WINDOW_DAYS,
      demo: demoEnabled(config),
    });
    // Fresh tables have no statistics yet; give the planner some before the first hold.
    await db.orm.em.getConnection().execute('analyze');
    log.info(summary, 'catalog seeded');
  }
  const app = createApp({ orm: db.orm, config, log });
  if (app.transport.tried.length > 0) log.info({ tried: app.transport.tried }, 'transport probe');
  await app.listen(config.PORT);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close();
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
