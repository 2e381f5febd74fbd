import type { MikroORM } from '@mikro-orm/postgresql';
import { median, table } from './stats.ts';

type QueryFn = (this: unknown, text: unknown, ...rest: unknown[]) => unknown;

/**
 * Wraps the driver's `query` on the ORM pool's connections (the engine talks to the driver
 * directly) so `onQuery` sees every statement sent and the promise of its answer. Returns the
 * function that puts the driver back.
 */
export async function tapDriver(
  orm: MikroORM,
  onQuery: (sql: string, answer: Promise<unknown>) => void,
): Promise<() => void> {
  const client = orm.em.getKnex().client as {
    acquireConnection(): Promise<object>;
    releaseConnection(c: object): Promise<void>;
  };
  const conn = await client.acquireConnection();
  const proto = Object.getPrototypeOf(conn) as { query: QueryFn };
  await client.releaseConnection(conn);
  const original = proto.query;
  proto.query = function (text, ...rest) {
    const answer = original.call(this, text, ...rest);
    // A prepared statement is sent as `{ name, text, values }`.
    const sql = typeof text === 'string' ? text : (text as { text?: unknown } | null)?.text;
    if (typeof sql === 'string' && answer instanceof Promise)
      onQuery(sql.replace(/\s+/g, ' ').trim(), answer);
    return answer;
  };
  return () => {
    proto.query = original;
  };
}

/** The first words of a statement, enough to tell the hold's apart. */
const label = (sql: string) => sql.split(' ').slice(0, 4).join(' ').slice(0, 40);

/**
 * Where one hold's time goes, from `count` holds one after another (c1, no contention): each
 * statement's round trip (sent to answered, as the engine waits for it), and what is left of the
 * hold's time outside any statement (the engine's JavaScript, the pool, validation).
 */
export async function profileHolds(
  orm: MikroORM,
  count: number,
  hold: (i: number) => Promise<void>,
): Promise<string> {
  const perStatement = new Map<string, number[]>();
  let current: { label: string; ms: number }[] = [];
  const restore = await tapDriver(orm, (sql, answer) => {
    const t0 = performance.now();
    const entry = { label: label(sql), ms: 0 };
    current.push(entry);
    const done = () => (entry.ms = performance.now() - t0);
    answer.then(done, done);
  });
  const totals: number[] = [];
  const outside: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      current = [];
      const t0 = performance.now();
      await hold(i);
      const total = performance.now() - t0;
      totals.push(total);
      outside.push(total - current.reduce((sum, s) => sum + s.ms, 0));
      for (const [k, s] of current.entries()) {
        const key = `${String(k + 1).padStart(2)} ${s.label}`;
        perStatement.set(key, [...(perStatement.get(key) ?? []), s.ms]);
      }
    }
  } finally {
    restore();
  }
  const whole = median(totals);
  const rows = [...perStatement].map(([key, xs]) => [
    key,
    median(xs).toFixed(3),
    `${Math.round((median(xs) / whole) * 100)}%`,
  ]);
  rows.push([
    'outside statements (engine JS, pool)',
    median(outside).toFixed(3),
    `${Math.round((median(outside) / whole) * 100)}%`,
  ]);
  rows.push(['whole hold', whole.toFixed(3), '100%']);
  return (
    `where a hold's time goes (c1, ${count} holds one after another, medians in ms; a round trip ` +
    `is sent-to-answered as the engine waits for it):\n` +
    table([['statement', 'ms', 'share'], ...rows])
  );
}
