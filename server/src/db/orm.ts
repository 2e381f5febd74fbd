import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { ADVISORY_LOCKS } from '../common/advisory-locks.ts';
import { entities } from './entities.ts';
import { Migration20261123000000_initial } from './migrations/Migration20261123000000_initial.ts';
import { Migration20261123010000_auth } from './migrations/Migration20261123010000_auth.ts';
import { Migration20261123020000_realtime } from './migrations/Migration20261123020000_realtime.ts';
import { Migration20261124000000_outbox_pruning } from './migrations/Migration20261124000000_outbox_pruning.ts';

/** Every migration, in order. Listed explicitly so tsx, vitest and tsc all see the same set. */
export const migrationsList = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261123010000_auth', class: Migration20261123010000_auth },
  { name: 'Migration20261123020000_realtime', class: Migration20261123020000_realtime },
  {
    name: 'Migration20261124000000_outbox_pruning',
    class: Migration20261124000000_outbox_pruning,
  },
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
 * Runs pending migrations while holding a session advisory lock, so several processes starting
 * at once migrate exactly once; the others wait, then find nothing to do.
 */
export async function migrate(orm: MikroORM): Promise<void> {
  const knex = orm.em.getConnection().getKnex();
  await knex.transaction(async (trx) => {
    // A transaction-scoped lock held on one connection for the whole migration run.
    await trx.raw('select pg_advisory_xact_lock(?)', [ADVISORY_LOCKS.migrate]);
    await orm.getMigrator().up();
  });
}
