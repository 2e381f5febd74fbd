import pg from 'pg';
import { createLogger } from '../src/common/logger.ts';
import { Cleanup, openBenchDatabase } from './bench-db.ts';

const cleanup = new Cleanup();
try {
  const url = await openBenchDatabase(createLogger('warn'), cleanup);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  cleanup.add('pool', () => pool.end());
  const c = await pool.connect();
  const r = await c.query(`select name, setting from pg_settings where name in ('synchronous_commit','wal_sync_method','commit_delay','fsync','shared_buffers','wal_buffers','full_page_writes','max_wal_size','io_method','wal_writer_delay','server_version','huge_pages','jit')`);
  console.log(r.rows.map((x) => `${x.name}=${x.setting}`).join(' '));
  await c.query('create table t (id serial primary key, v text)');
  for (const mode of ['on', 'off', 'on']) {
    await c.query(`set synchronous_commit = ${mode}`);
    let t = performance.now();
    for (let i = 0; i < 1000; i++) { await c.query('begin'); await c.query('insert into t (v) values ($1)', ['x']); await c.query('commit'); }
    console.log(`sync=${mode} begin/insert/commit ms`, (performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < 1000; i++) { await c.query('begin'); await c.query('select 1'); await c.query('commit'); }
    console.log(`sync=${mode} begin/select/commit ms`, (performance.now() - t) / 1000);
  }
  c.release();
} finally {
  await cleanup.run();
}
