import { execFileSync } from 'node:child_process';
import type { SystemUser } from './traverse.ts';

/** PostgreSQL refuses to run as root; as root, Berth runs it as this system user. */
export const POSTGRES_USER = 'postgres';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The system user `name`, or undefined if there is none. */
export function lookupUser(name: string): SystemUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    const gids = execFileSync('id', ['-G', name], { encoding: 'utf8' }).trim().split(/\s+/);
    return { name, uid, gid, gids: gids.map(Number) };
  } catch {
    return undefined;
  }
}

/** The `postgres` system user, created (a system account without a login) if missing. */
export function ensurePostgresUser(): SystemUser {
  const existing = lookupUser(POSTGRES_USER);
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['--system', '-f', POSTGRES_USER], { stdio: 'pipe' });
    execFileSync(
      'useradd',
      [
        '--system',
        '--gid',
        POSTGRES_USER,
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
      ].concat(POSTGRES_USER),
      { stdio: 'pipe' },
    );
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL cannot run as root and the system user '${POSTGRES_USER}' could not ` +
        `be created (${String(err)}): create it (useradd --system ${POSTGRES_USER}) or set ` +
        `DATABASE_URL.`,
    );
  }
  const created = lookupUser(POSTGRES_USER);
  if (!created) throw new Error(`the system user '${POSTGRES_USER}' was created but is not found`);
  return created;
}
