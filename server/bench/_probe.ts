import pg from 'pg';
import { createLogger } from '../src/common/logger.ts';
import { Cleanup, openBenchDatabase, seedFixture } from './bench-db.ts';
import { rawHold } from './raw-hold.ts';

const cleanup = new Cleanup();
try {
  const url = await openBenchDatabase(createLogger('warn'), cleanup);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  cleanup.add('pool', () => pool.end());
  const f = await seedFixture(pool, 5000);
  const c = await pool.connect();
  let t = performance.now();
  for (let i = 0; i < 2000; i++) await c.query('select 1');
  console.log('select 1 rtt ms', (performance.now() - t) / 2000);
  t = performance.now();
  for (let i = 0; i < 2000; i++) await c.query('select id from users where id = $1', [1]);
  console.log('param select rtt ms', (performance.now() - t) / 2000);
  for (let i = 0; i < 500; i++) { await c.query('begin'); await c.query('insert into stations (code,name,city) values ($1,$1,$1)', ['Z'+i]); await c.query('commit'); }
  t = performance.now();
  for (let i = 500; i < 1500; i++) { await c.query('begin'); await c.query('insert into stations (code,name,city) values ($1,$1,$1)', ['Z'+i]); await c.query('commit'); }
  console.log('begin/insert/commit ms', (performance.now() - t) / 1000);
  const times = new Map<string, number>();
  const orig = c.query.bind(c);
  c.release();
  // per statement timing via patched Client.prototype.query
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => Promise<unknown> };
  const q0 = proto.query;
  proto.query = async function (this: unknown, ...a: unknown[]) {
    const s = performance.now();
    const r = await q0.apply(this, a);
    const k = String(a[0]).replace(/\s+/g, ' ').slice(0, 40);
    times.set(k, (times.get(k) ?? 0) + performance.now() - s);
    return r;
  };
  void orig;
  t = performance.now();
  const N = 1000;
  for (let i = 0; i < N; i++) await rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `probe-${i}`, 300);
  console.log('raw hold ms', (performance.now() - t) / N);
  for (const [k, v] of times) console.log(k.padEnd(42), (v / N).toFixed(3));
} finally {
  await cleanup.run();
}
