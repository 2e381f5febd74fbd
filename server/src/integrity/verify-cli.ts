// `pnpm verify`: checks the invariants of any Berth database (DATABASE_URL) and exits 1 on any
// violation, 0 when clean, 2 when it could not check. With DATABASE_URL set it only reads: no
// migrations, no embedded server. Unset, it opens the embedded default database, as the server would.
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createLogger } from '../common/logger.ts';
import { loadConfig } from '../config/env.ts';
import { openDatabase, redact } from '../db/database.ts';
import { createOrm } from '../db/orm.ts';
import { checkIntegrity, formatReport } from './checker.ts';

const USAGE = `usage: tsx src/integrity/verify-cli.ts [--sweeper-running] [--grace-seconds N]
  --sweeper-running   a sweeper is running: report holds still live past hold_until + grace
  --grace-seconds N   that grace, in seconds (default 5)`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      'sweeper-running': { type: 'boolean', default: false },
      'grace-seconds': { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const graceSeconds = Number(values['grace-seconds']);
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
    throw new UsageError(
      `--grace-seconds must be a number of seconds, not ${values['grace-seconds']}`,
    );
  }
  return { help: values.help, sweeperRunning: values['sweeper-running'], graceSeconds };
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const options = parseOptions();
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  // Quiet unless asked: the report is the output.
  const log = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', 'verify');

  let close: () => Promise<void>;
  let em: EntityManager;
  if (config.DATABASE_URL) {
    process.stderr.write(`verifying ${redact(config.DATABASE_URL)}\n`);
    const orm = await createOrm({ url: config.DATABASE_URL, poolMax: 2 });
    em = orm.em.fork();
    close = () => orm.close(true);
  } else {
    process.stderr.write(
      'DATABASE_URL is unset: verifying the embedded default database (started and migrated if needed)\n',
    );
    const db = await openDatabase(config, log);
    em = db.orm.em.fork();
    close = () => db.close();
  }

  try {
    const started = performance.now();
    const report = await checkIntegrity(em, options);
    const ms = Math.round(performance.now() - started);
    process.stdout.write(
      `${formatReport(report)} (${ms} ms${options.sweeperRunning ? ', sweeper running' : ''})\n`,
    );
    return report.ok ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // ConfigError already names every bad variable; anything else gets its message, not a trace.
    process.stderr.write(
      `verify could not run: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    if (
      err instanceof UsageError ||
      (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`${USAGE}\n`);
    }
    process.exit(2);
  },
);
