import pg from 'pg';
import { createLogger } from '../src/common/logger.ts';
import { analyzeHoldTables, Cleanup, openBenchDatabase, resetBookings, seedFixture } from './bench-db.ts';
import { rawHold } from './raw-hold.ts';
import { explainHotStatements } from './explain.ts';

const cleanup = new Cleanup();
try {
  const url = await openBenchDatabase(createLogger('warn'), cleanup);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  cleanup.add('pool', () => pool.end());
  const f = await seedFixture(pool, 20000);
  for (let i = 0; i < 300; i++) await rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `probe-${i}`, 300);
  await analyzeHoldTables(pool);
  await resetBookings(pool);
  console.log((await pool.query(`select tablename, count(*) from pg_stats where schemaname='public' and tablename in ('bookings','booking_seats') group by 1`)).rows);
  const t = performance.now();
  for (let i = 0; i < 10000; i++) await rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `probe2-${i}`, 300);
  console.log('ms/hold', (performance.now() - t) / 10000);
  console.log(await explainHotStatements(pool, f, f.seatIds[0]!, f.userIds[0]!));
} finally {
  await cleanup.run();
}
