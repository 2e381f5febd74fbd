import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { createLogger } from '../../src/common/logger.ts';
import { createOrm } from '../../src/db/orm.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import type { TestHooks } from '../../src/engine-context.ts';
import { checkIntegrity, formatReport } from '../../src/integrity/checker.ts';
import { outboxSchemas, type OutboxEvent } from '../../src/modules/audit/outbox-push.ts';
import { dropDatabase, recreateDatabase, withDatabase } from './global-setup.ts';

export interface TestDb {
  url: string;
  /** A plain pg pool on the test database, for direct SQL (sabotage, inspection, lock probes). */
  pool: pg.Pool;
  engine(opts?: { hooks?: TestHooks; config?: Partial<Config> }): Promise<Engine>;
  /** Runs the integrity checker and fails the test with its report on any violation. */
  assertIntegrity(options?: { sweeperRunning?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every outbox row the file's tests left behind is a push the contract describes: its payload
 * parses, strictly, with the event's outbox schema (the wire schema less the relay's stamps).
 */
async function assertOutboxContract(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ id: string; event: string; payload: unknown }>(
    `select id, event, payload from outbox order by id`,
  );
  const problems: string[] = [];
  for (const row of rows) {
    const schema = outboxSchemas[row.event as OutboxEvent];
    if (!schema) {
      problems.push(`outbox ${row.id}: '${row.event}' is not a push of the contract`);
      continue;
    }
    const parsed = schema.strict().safeParse(row.payload);
    if (!parsed.success)
      problems.push(`outbox ${row.id} (${row.event}): ${parsed.error.message.slice(0, 300)}`);
  }
  if (problems.length > 0) throw new Error(problems.slice(0, 5).join('\n'));
}

/** A database of its own for one test file, cloned from the migrated template. */
export async function createTestDb(): Promise<TestDb> {
  const server = inject('pgServerUrl');
  const name = `berth_t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await recreateDatabase(server, name, inject('templateDb'));
  const url = withDatabase(server, name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // pool.end() resolves once its idle clients are told to end, not once they have; the forced
  // drop in close() can then terminate one mid-goodbye (57P01). That is teardown, not a failure.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') throw err;
  });
  const engines: { stop(): Promise<void>; close(): Promise<void> }[] = [];
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const checkerOrm = await createOrm({ url, poolMax: 2 });

  return {
    url,
    pool,
    async engine(opts = {}) {
      const config = { ...loadConfig({}), DATABASE_URL: url, DB_POOL_MAX: 60, ...opts.config };
      const orm = await createOrm({ url, poolMax: config.DB_POOL_MAX });
      const engine = createEngine({ orm, config, log, hooks: opts.hooks });
      await engine.init();
      engines.push({ stop: () => engine.stop(), close: () => orm.close(true) });
      return engine;
    },
    async assertIntegrity(options = {}) {
      const report = await checkIntegrity(checkerOrm.em.fork(), options);
      if (!report.ok) throw new Error(formatReport(report));
    },
    async close() {
      for (const e of engines) await e.stop();
      for (const e of engines) await e.close();
      await checkerOrm.close(true);
      try {
        await assertOutboxContract(pool);
      } finally {
        await pool.end();
        await dropDatabase(server, name);
      }
    },
  };
}
