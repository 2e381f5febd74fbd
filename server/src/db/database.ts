import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/env.ts';
import type { Logger } from '../common/logger.ts';
import { defaultDataDir } from '../common/paths.ts';
import { startEmbeddedPostgres } from './embedded/embedded-postgres.ts';
import { createOrm, migrate } from './orm.ts';

export interface Database {
  orm: MikroORM;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** DATABASE_URL if set, else the embedded PostgreSQL under .data/; migrated before it is returned. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let url = config.DATABASE_URL;
  let stopEmbedded = () => Promise.resolve();
  if (!url) {
    const pg = await startEmbeddedPostgres(
      config.BERTH_DATA_DIR ?? defaultDataDir,
      config.EMBEDDED_PG_PORT,
      log,
    );
    url = pg.url;
    stopEmbedded = () => pg.stop();
  }
  const orm = await createOrm({ url, poolMax: config.DB_POOL_MAX });
  await migrate(orm);
  log.info({ database: redact(url) }, 'database ready');
  return {
    orm,
    url,
    embedded: !config.DATABASE_URL,
    async close() {
      await orm.close(true);
      await stopEmbedded();
    },
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
