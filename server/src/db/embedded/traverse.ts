import fs from 'node:fs';
import path from 'node:path';

/** A system user as the kernel checks it: a uid and every group it belongs to. */
export interface SystemUser {
  name: string;
  uid: number;
  /** Its primary group. */
  gid: number;
  /** Every group it is in, the primary one included. */
  gids: number[];
}

export type Traversal = { ok: true } | { ok: false; blockedAt: string };

/**
 * Whether `user` may enter every directory from `/` down to `target` (the search bit the kernel
 * checks on each one), so a process of that user can open something inside it. Only the first
 * matching class counts, as in the kernel: an owner without `x` is refused even if others have
 * it. ACLs are not consulted: a mode that refuses is reported as refusing. A part of the path
 * that does not exist yet is created by us later, with a mode that lets the user in, so the walk
 * stops there.
 */
export function canTraverse(target: string, user: SystemUser): Traversal {
  if (user.uid === 0) return { ok: true };
  const dirs: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const dir of dirs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      return { ok: true };
    }
    const bit = st.uid === user.uid ? 0o100 : user.gids.includes(st.gid) ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return { ok: false, blockedAt: dir };
  }
  return { ok: true };
}

/**
 * The one sentence Berth stops with when embedded PostgreSQL cannot be given a place its user can
 * reach (checked before PostgreSQL is started, so nothing half-made is left behind).
 */
export function unreachableMessage(
  user: SystemUser,
  what: string,
  blockedAt: string,
  triedPlaces: readonly string[],
): string {
  return (
    `Embedded PostgreSQL runs as the system user '${user.name}', who cannot reach ${what} ` +
    `because ${blockedAt} is closed to other users, and no folder it can reach could be made ` +
    `(tried ${triedPlaces.join(', ')}): set DATABASE_URL to a PostgreSQL server you run, or ` +
    `clone Berth under a folder other users may enter (chmod o+x on each parent).`
  );
}
