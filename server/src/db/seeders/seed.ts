import { ADVISORY_LOCKS } from '../../common/advisory-locks.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { queryOne, query } from '../../common/sql.ts';
import { seedCatalog } from './seed-catalog.ts';
import { seedRuns, seedSeats, serviceWindow } from './seed-runs.ts';
import { seedUsers } from './seed-users.ts';
import { seedDemo } from './seed-demo.ts';

export { DEMO_USERS, type DemoUser } from './seed-users.ts';

export interface SeedOptions {
  /** The moment "today" is taken from; defaults to the current time. */
  now?: Date;
  /** How many service dates, starting today, get runs; defaults to a week. */
  days?: number;
  /** Also seed the race demo's users and run. */
  demo?: boolean;
}

/** Row counts after seeding: everything in those tables, not only what this call added. */
export interface SeedSummary {
  stations: number;
  trains: number;
  runs: number;
  seats: number;
  users: number;
}

export const DEFAULT_SEED_DAYS = 7;

/**
 * Seeds the demo catalog, a week of runs with their seats, and the demo users. Idempotent:
 * every insert skips rows that exist, and a transaction-scoped advisory lock makes concurrent
 * seeders (several nodes starting at once) run one after the other, so the second finds
 * everything in place and changes nothing. Run again on a later day, it adds that day's runs.
 */
export async function seedDatabase(
  em: EntityManager,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const now = options.now ?? new Date();
  const days = options.days ?? DEFAULT_SEED_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new RangeError(`days must be a whole number from 1 to 366, not ${days}`);
  }
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid date');

  return em.transactional(async (tx) => {
    await query(tx, 'select pg_advisory_xact_lock(?)', [ADVISORY_LOCKS.seed]);
    await seedCatalog(tx);
    const window = await serviceWindow(tx, now, days);
    await seedRuns(tx, window);
    await seedSeats(tx, window);
    await seedUsers(tx);
    if (options.demo) await seedDemo(tx);
    return countRows(tx);
  });
}

async function countRows(em: EntityManager): Promise<SeedSummary> {
  const row = await queryOne<SeedSummary>(
    em,
    `select (select count(*) from stations)::int as stations,
            (select count(*) from trains)::int as trains,
            (select count(*) from runs)::int as runs,
            (select count(*) from seats)::int as seats,
            (select count(*) from users)::int as users`,
  );
  if (!row) throw new Error('no counts');
  return row;
}

/** "12 stations, 3 trains, 21 runs, 4298 seats, 3 users": the summary as one line. */
export function formatSummary(s: SeedSummary): string {
  return `${s.stations} stations, ${s.trains} trains, ${s.runs} runs, ${s.seats} seats, ${s.users} users`;
}
