// `pnpm seed`: seeds the database Berth is configured for (the embedded one when DATABASE_URL
// is unset), migrating it first. Safe to run at any time: seeding is idempotent.
import { createLogger } from '../common/logger.ts';
import { loadConfig } from '../config/env.ts';
import { openDatabase, type Database } from './database.ts';
import { formatSummary, seedDatabase } from './seeders/seed.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'seed');
  let db: Database | undefined;
  try {
    db = await openDatabase(config, log);
    const started = performance.now();
    const summary = await seedDatabase(db.orm.em.fork(), { days: config.BOOKING_WINDOW_DAYS });
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`seeded: ${formatSummary(summary)} (${ms} ms)\n`);
  } finally {
    await db?.close();
  }
}

main().catch((err: unknown) => {
  // ConfigError already names every bad variable; anything else gets its message, not a trace.
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
