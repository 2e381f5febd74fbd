import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/common/logger.ts';
import { defaultDataDir } from '../../src/common/paths.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded/embedded-postgres.ts';
import { createOrm, migrate } from '../../src/db/orm.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL of the test run's PostgreSQL server (any database); test files create their own. */
    pgServerUrl: string;
    /** The migrated template database every test file clones. */
    templateDb: string;
  }
}

/**
 * One PostgreSQL for the whole test run (embedded, or TEST_DATABASE_URL), and one migrated
 * template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const log = createLogger('warn', 'test-pg');
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stop = () => Promise.resolve();
  if (!serverUrl) {
    const port = Number(process.env.TEST_PG_PORT ?? 54339);
    // One directory per port, so two test runs on different ports never share files.
    const dataDir = path.join(defaultDataDir, `test-${port}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const handle = await startEmbeddedPostgres(dataDir, port, log);
    serverUrl = handle.url;
    stop = handle.stop;
  }
  // Named per run, so several runs may share one TEST_DATABASE_URL server.
  const templateDb = `berth_template_${process.pid}`;
  await recreateDatabase(serverUrl, templateDb);
  const orm = await createOrm({ url: withDatabase(serverUrl, templateDb), poolMax: 2 });
  await migrate(orm);
  await orm.close(true);
  project.provide('pgServerUrl', serverUrl);
  project.provide('templateDb', templateDb);
  return async () => {
    await dropDatabase(serverUrl, templateDb);
    await stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function dropDatabase(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

export async function recreateDatabase(serverUrl: string, name: string, template?: string) {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
  } finally {
    await client.end();
  }
}
