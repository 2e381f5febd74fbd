import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';

export type Em = EntityManager;

/**
 * Runs one SQL statement with real bind parameters (`?` placeholders) on the EntityManager's
 * current transaction, or on the pool outside one. The locking statements are written as SQL so
 * that what takes which lock, in which order, is visible in one place.
 *
 * Pass a JS array for `= any(?)`: the driver sends it as one array parameter. Compare bigint columns
 * with values PostgreSQL infers as bigint (never an int literal), or the GiST index is skipped.
 */
export async function query<T>(
  em: Em,
  text: string,
  bindings: readonly unknown[] = [],
): Promise<T[]> {
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
  const res = await knex.raw<{ rows: T[] }>(text, bindings as Knex.RawBinding[]);
  return res.rows;
}

export async function queryOne<T>(em: Em, text: string, bindings: readonly unknown[] = []) {
  const rows = await query<T>(em, text, bindings);
  return rows[0];
}
