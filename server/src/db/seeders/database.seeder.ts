import type { EntityManager as CoreEntityManager } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { seedDatabase } from './seed.ts';

/** `orm.getSeeder().seed(DatabaseSeeder)` seeds exactly what seedDatabase does. */
export class DatabaseSeeder extends Seeder {
  override async run(em: CoreEntityManager): Promise<void> {
    // The seeder hands over the core type; the SQL needs the PostgreSQL one it really is.
    if (!isSqlEntityManager(em)) throw new Error('DatabaseSeeder needs a PostgreSQL EntityManager');
    await seedDatabase(em);
  }
}

function isSqlEntityManager(em: CoreEntityManager): em is EntityManager {
  return em instanceof EntityManager;
}
