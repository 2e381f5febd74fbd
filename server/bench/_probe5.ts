import pg from 'pg';
import { createLogger } from '../src/common/logger.ts';
import { loadConfig } from '../src/config/env.ts';
import { createOrm } from '../src/db/orm.ts';
import { createEngine } from '../src/engine.ts';
import { analyzeHoldTables, Cleanup, openBenchDatabase, resetBookings, seedFixture } from './bench-db.ts';
import { holdRequest, rawHold } from './raw-hold.ts';

const cleanup = new Cleanup();
const C = Number(process.env.C ?? 1);
try {
  const url = await openBenchDatabase(createLogger('warn'), cleanup);
  const pool = new pg.Pool({ connectionString: url, max: C });
  cleanup.add('pool', () => pool.end());
  const f = await seedFixture(pool, 30000);
  for (let i = 0; i < 300; i++) await rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `probe-${i}`, 300);
  await analyzeHoldTables(pool);
  await resetBookings(pool);
  const orm = await createOrm({ url, poolMax: C });
  cleanup.add('orm', () => orm.close(true));
  const engine = createEngine({ orm, config: { ...loadConfig({}), DB_POOL_MAX: C }, log: createLogger('warn') });
  // time: JS-only part (prepare) vs whole
  let next = 0;
  const N = Number(process.env.N ?? 3000);
  const which = process.env.WHICH ?? 'engine';
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: C }, async () => {
    for (;;) {
      const i = next++;
      if (i >= N) return;
      if (which === 'engine') await engine.hold({ userId: f.userIds[i]!, role: 'user' }, holdRequest(f, f.seatIds[i]!, `p-${i}`));
      else await rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `p-${i}`, 300);
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t;
  console.log(`${which} c${C}: ${(N / ms * 1000).toFixed(0)} holds/s, ${(ms / N).toFixed(2)} ms wall/hold, node cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/hold (user ${(cpu.user/1000/N).toFixed(3)} sys ${(cpu.system/1000/N).toFixed(3)})`);
} finally {
  await cleanup.run();
}
