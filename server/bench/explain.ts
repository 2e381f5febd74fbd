import type pg from 'pg';
import type { BenchFixture } from './bench-db.ts';
import { JOURNEY_OVERLAP, LOCK_SEATS, SEAT_OVERLAP } from './raw-hold.ts';

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the hold's hot statements, with the engine's statement text and
 * untyped parameters, inside a transaction that is rolled back. Run on a database full of holds,
 * for a seat and a user that hold one: each plan must be an index scan, never a sequential one.
 */
export async function explainHotStatements(
  pool: pg.Pool,
  f: BenchFixture,
  seatId: number,
  userId: number,
): Promise<string> {
  const client = await pool.connect();
  const out: string[] = [];
  try {
    const counts = await client.query<{ bookings: string; booking_seats: string }>(
      `select (select count(*) from bookings) as bookings, (select count(*) from booking_seats) as booking_seats`,
    );
    out.push(
      `plans of the hold's hot statements (${counts.rows[0]!.bookings} bookings, ` +
        `${counts.rows[0]!.booking_seats} booking seats; held seat ${seatId}, its user ${userId})`,
    );
    await client.query('BEGIN');
    const statements: [string, string, unknown[]][] = [
      ['journey-overlap check', JOURNEY_OVERLAP, [userId, f.journey[0], f.journey[1]]],
      ['seat lock', LOCK_SEATS, [[seatId]]],
      ['booking_seats overlap check', SEAT_OVERLAP, [[seatId], f.fromSeq, f.toSeq]],
    ];
    for (const [name, sql, params] of statements) {
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${sql}`,
        params,
      );
      out.push('', `-- ${name}`, ...plan.rows.map((r) => r['QUERY PLAN']));
      const lines = plan.rows.map((r) => r['QUERY PLAN']);
      if (lines.some((l) => /Seq Scan on (bookings|booking_seats|seats|users)\b/.test(l))) {
        out.push(`!! ${name}: sequential scan on a hot table`);
      }
      // The lookup key only filtered, not searched: the scan reads every row the index matches.
      if (lines.some((l) => /Filter: .*\b(seat_id|user_id|id) = /.test(l))) {
        out.push(`!! ${name}: the key is a filter, not an index condition`);
      }
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
  return out.join('\n');
}
