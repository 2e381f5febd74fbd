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
  /**
   * Stops the embedded PostgreSQL and starts it again on its data and port (a restart, as an
   * operator or a failover would cause; fault tests use it). Only for the embedded one.
   */
  restartEmbedded(): Promise<void>;
  close(): Promise<void>;
}

/** DATABASE_URL if set, else the embedded PostgreSQL under .data/; migrated before it is returned. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let url = config.DATABASE_URL;
  let stopEmbedded = () => Promise.resolve();
  let startEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const start = async () => {
      const pg = await startEmbeddedPostgres(
        config.BERTH_DATA_DIR ?? defaultDataDir,
        config.EMBEDDED_PG_PORT,
        log,
      );
      stopEmbedded = () => pg.stop();
      return pg.url;
    };
    url = await start();
    startEmbedded = async () => void (await start());
  }
  const orm = await createOrm({ url, poolMax: config.DB_POOL_MAX });
  await migrate(orm);
  log.info({ database: redact(url) }, 'database ready');
  return {
    orm,
    url,
    embedded: !config.DATABASE_URL,
    async restartEmbedded() {
      if (!startEmbedded) throw new Error('only the embedded PostgreSQL can be restarted here');
      await stopEmbedded();
      await startEmbedded();
    },
    async close() {
      await orm.close(true);
      await stopEmbedded();
    },
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
