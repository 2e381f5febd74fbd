import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/cluster/local-redis.ts';
import { createLogger } from '../src/common/logger.ts';
import { defaultDataDir } from '../src/common/paths.ts';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../src/db/embedded/embedded-postgres.ts';
import { SHARED_PLACES } from '../src/db/embedded/postgres-place.ts';
import { isRoot } from '../src/db/embedded/system-user.ts';
import { createOrm, migrate, migrationsList } from '../src/db/orm.ts';
import { dropDatabase, recreateDatabase, withDatabase } from './support/global-setup.ts';

const log = createLogger('silent');

describe('start-up', () => {
  const dataDir = path.join(defaultDataDir, `test-embedded-${process.pid}`);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('several processes migrating one empty database at once migrate it exactly once, each with a pool of one', async () => {
    const server = inject('pgServerUrl');
    const name = `berth_migrate_${process.pid}`;
    await recreateDatabase(server, name);
    const url = withDatabase(server, name);
    // A pool of one (DB_POOL_MAX=1): the migration lock must not hold the pool's only connection.
    const orms = await Promise.all([1, 2, 3, 4].map(() => createOrm({ url, poolMax: 1 })));
    try {
      await Promise.all(orms.map((orm) => migrate(orm)));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const r = await client.query(`select count(*) from mikro_orm_migrations`);
      await client.end();
      expect(r.rows[0].count).toBe(String(migrationsList.length));
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
      await dropDatabase(server, name);
    }
  });

  it('the embedded PostgreSQL starts after a crash left a stale postmaster.pid', async () => {
    const port = await freePort();
    const first = await startEmbeddedPostgres(dataDir, port, log);
    // A second process finds the live server and joins it instead of starting another.
    const joined = await startEmbeddedPostgres(dataDir, port, log);
    await joined.stop();
    expect(await selectOne(first.url)).toBe(1);
    await first.stop();

    // A crash leaves the pid file behind, naming a process that no longer exists.
    const pidFile = path.join(first.databaseDir, 'postmaster.pid');
    fs.writeFileSync(pidFile, `999999\n${first.databaseDir}\n`);
    const again = await startEmbeddedPostgres(dataDir, port, log);
    try {
      expect(await selectOne(again.url)).toBe(1);
    } finally {
      await again.stop();
    }
  });

  it('starts from a clone under a folder other users cannot enter (0700, as /root and mktemp -d)', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-closed-'));
    const cloneData = path.join(closed, 'berth', '.data');
    let handle: EmbeddedPostgresHandle | undefined;
    try {
      handle = await startEmbeddedPostgres(cloneData, await freePort(), log);
      expect(await selectOne(handle.url)).toBe(1);
      const link = path.join(cloneData, 'postgres');
      if (isRoot()) {
        // PostgreSQL runs as another user here: its cluster lives where that user can reach it.
        expect(SHARED_PLACES.some((p) => handle!.databaseDir.startsWith(`${p}/`))).toBe(true);
        expect(fs.readlinkSync(link)).toBe(handle.databaseDir);
      } else {
        expect(handle.databaseDir).toBe(link);
      }
    } finally {
      await handle?.stop();
      fs.rmSync(closed, { recursive: true, force: true });
      if (handle) fs.rmSync(handle.databaseDir, { recursive: true, force: true });
    }
  });
});

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ one: number }>('select 1 as one');
    return r.rows[0]!.one;
  } finally {
    await client.end();
  }
}
