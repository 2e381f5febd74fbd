import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';

/** Where a statement runs: an EntityManager (its transaction, or the pool), or a SqlTx. */
export type Em = EntityManager | SqlTx;

/** The part of node-postgres' client a transaction needs. */
interface PgClient {
  query<T>(text: string, values?: readonly unknown[]): Promise<{ rows: T[] }>;
  query<T>(config: {
    name: string;
    text: string;
    values: readonly unknown[];
  }): Promise<{ rows: T[] }>;
}

/**
 * One short transaction on one connection of MikroORM's own pool, with statements sent straight
 * to the driver. The booking transactions are all explicit SQL (what takes which lock, in which
 * order, is the point), so they skip the unit of work and the query builder: on the hold's hot
 * path that halves the JavaScript spent per transaction on a 2-core machine shared with
 * PostgreSQL.
 *
 * Measured again (session 9, `pnpm bench:engine`, one run each on the same machine): through
 * `em.transactional` with each statement as knex `raw` on its transaction, the engine's c8 was
 * 504 holds/s against the raw baseline's 704 (ratio 0.72), where this class gives 680 against
 * 713 (0.95). `em.execute` is no option either: it formats parameters into the text, so a JS
 * array bound to `= any(?)` becomes a list. So this stays, on the pool MikroORM owns.
 */
export class SqlTx {
  constructor(readonly client: PgClient) {}

  async query<T>(text: string, bindings: readonly unknown[]): Promise<T[]> {
    const sql = numbered(text);
    const name = statementName(sql);
    const res = name
      ? await this.client.query<T>({ name, text: sql, values: bindings })
      : await this.client.query<T>(sql, bindings);
    return res.rows;
  }
}

/** Names of the prepared statements, one per statement text, shared by every connection. */
const preparedNames = new Map<string, string>();
/** Statement texts that vary (a VALUES list per row) past this many are sent unprepared. */
const MAX_PREPARED = 500;

/**
 * Each statement a transaction sends is prepared once per connection (node-postgres keeps the
 * names it parsed on each connection) and only bound and executed after that: PostgreSQL skips
 * parsing and planning a hold's ten statements every time, most of its own work per hold.
 */
function statementName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED) {
    name = `berth_${preparedNames.size}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** Runs `work` in a transaction (READ COMMITTED): commits if it returns, rolls back if it throws. */
export async function transaction<T>(orm: MikroORM, work: (tx: SqlTx) => Promise<T>): Promise<T> {
  const knexClient = orm.em.getKnex().client as {
    acquireConnection(): Promise<PgClient>;
    releaseConnection(conn: PgClient): Promise<void>;
  };
  const conn = await knexClient.acquireConnection();
  try {
    await conn.query('begin');
    let result: T;
    try {
      result = await work(new SqlTx(conn));
    } catch (err) {
      await conn.query('rollback').catch(() => undefined);
      throw err;
    }
    await conn.query('commit');
    return result;
  } finally {
    await knexClient.releaseConnection(conn);
  }
}

/**
 * Runs one SQL statement with real bind parameters (`?` placeholders) in the given transaction,
 * or on the pool outside one.
 *
 * Pass a JS array for `= any(?)`: the driver sends it as one array parameter. Compare bigint
 * columns with values PostgreSQL infers as bigint (never an int literal), or the GiST index is
 * skipped.
 */
export async function query<T>(
  em: Em,
  text: string,
  bindings: readonly unknown[] = [],
): Promise<T[]> {
  if (em instanceof SqlTx) return em.query<T>(text, bindings);
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
  const res = await knex.raw<{ rows: T[] }>(text, bindings as Knex.RawBinding[]);
  return res.rows;
}

export async function queryOne<T>(em: Em, text: string, bindings: readonly unknown[] = []) {
  const rows = await query<T>(em, text, bindings);
  return rows[0];
}

const numberedCache = new Map<string, string>();

/** `?` placeholders to the driver's `$1, $2, ...`, skipping quoted text; cached per statement. */
export function numbered(text: string): string {
  let out = numberedCache.get(text);
  if (out !== undefined) return out;
  out = '';
  let n = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  if (numberedCache.size < 1000) numberedCache.set(text, out);
  return out;
}
