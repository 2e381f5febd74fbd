import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { ADVISORY_LOCKS } from '../common/advisory-locks.ts';
import { entities } from './entities.ts';
import { ROUTINES } from './routines.ts';
import { Migration20261123000000_initial } from './migrations/Migration20261123000000_initial.ts';
import { Migration20261123010000_auth } from './migrations/Migration20261123010000_auth.ts';
import { Migration20261123020000_realtime } from './migrations/Migration20261123020000_realtime.ts';
import { Migration20261124000000_outbox_pruning } from './migrations/Migration20261124000000_outbox_pruning.ts';
import { Migration20261202000000_waitlist } from './migrations/Migration20261202000000_waitlist.ts';
import { Migration20261203000000_chart } from './migrations/Migration20261203000000_chart.ts';

/** Every migration, in order. Listed explicitly so tsx, vitest and tsc all see the same set. */
export const migrationsList = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261123010000_auth', class: Migration20261123010000_auth },
  { name: 'Migration20261123020000_realtime', class: Migration20261123020000_realtime },
  {
    name: 'Migration20261124000000_outbox_pruning',
    class: Migration20261124000000_outbox_pruning,
  },
  { name: 'Migration20261202000000_waitlist', class: Migration20261202000000_waitlist },
  { name: 'Migration20261203000000_chart', class: Migration20261203000000_chart },
];

export interface OrmOptions {
  url: string;
  poolMax: number;
  debug?: boolean;
}

export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: options.url,
    entities,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator, SeedManager],
    migrations: {
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: options.poolMax },
    debug: options.debug ?? false,
    allowGlobalContext: false,
    // Keep timestamps as Date objects in UTC.
    forceUtcTimezone: true,
  });
}

/**
 * Runs pending migrations, then installs the SQL functions (routines.ts), while holding a session advisory lock, so several processes starting
 * at once migrate exactly once; the others wait, then find nothing to do. The lock is held on a
 * connection of its own, outside the pool the migrator uses: a pool of one (DB_POOL_MAX=1) would
 * otherwise wait for itself.
 */
export async function migrate(orm: MikroORM): Promise<void> {
  const lock = new pg.Client(orm.em.getConnection().getConnectionOptions() as pg.ClientConfig);
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [ADVISORY_LOCKS.migrate]);
    await orm.getMigrator().up();
    for (const routine of ROUTINES) await lock.query(routine);
  } finally {
    // Ending the session lets the lock go, even if the unlock below never ran.
    await lock
      .query('select pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrate])
      .catch(() => undefined);
    await lock.end();
  }
}
