import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/logger.ts';
import type { PostgresBuild } from './postgres-build.ts';
import { ensurePostgresUser, isRoot } from './system-user.ts';
import { canTraverse, unreachableMessage, type SystemUser } from './traverse.ts';

/** Where an embedded cluster lives and whom it runs as. */
export interface PostgresPlace {
  /** The cluster's data directory (PGDATA), with every parent reachable by `runAs`. */
  databaseDir: string;
  /** `bin/`, `lib/`, `share/` of the build, reachable by `runAs`. */
  installDir: string;
  /** The system user PostgreSQL runs as; undefined when it runs as this process's user. */
  runAs?: SystemUser;
}

/**
 * Folders a root process can make that any user may enter, for clusters and binaries whose usual
 * place (the clone) the PostgreSQL user cannot reach. /var/lib survives reboots and tmp cleaners;
 * /var/tmp is the fallback where /var/lib is read-only.
 */
export const SHARED_PLACES = ['/var/lib/berth', '/var/tmp/berth'] as const;

/**
 * Places the cluster of `dataDir` (normally `<clone>/.data`) and the build it runs.
 *
 * Not as root, PostgreSQL runs as this user, who can reach its own clone: `<dataDir>/postgres`.
 * As root it runs as the `postgres` system user, who often cannot: `/root` and every `mktemp -d`
 * are 0700. Then the cluster lives in a shared place, under a name derived from `dataDir`, with
 * `<dataDir>/postgres` a symlink to it, and the build is copied there once per version.
 * Deleting `<dataDir>` deletes the cluster too: a cluster whose link is gone is wiped on the next
 * start, so a fresh `.data` always means a fresh database, wherever it lives.
 */
export function placePostgres(
  dataDir: string,
  build: PostgresBuild,
  log: Logger,
  sharedPlaces: readonly string[] = SHARED_PLACES,
): PostgresPlace {
  fs.mkdirSync(dataDir, { recursive: true });
  const link = path.join(dataDir, 'postgres');
  if (!isRoot()) return { databaseDir: link, installDir: build.installDir };

  const user = ensurePostgresUser();
  fs.chmodSync(dataDir, 0o755);
  let shared: string | undefined;
  const sharedPlace = (what: string, blockedAt: string): string => {
    shared ??= firstReachablePlace(sharedPlaces, user);
    if (!shared) throw new Error(unreachableMessage(user, what, blockedAt, sharedPlaces));
    return shared;
  };

  let databaseDir = link;
  const linked = readLink(link);
  if (linked) {
    databaseDir = linked;
  } else {
    const reach = canTraverse(dataDir, user);
    if (!reach.ok) {
      if (fs.existsSync(link))
        throw new Error(
          `${link} holds a PostgreSQL cluster that the system user '${user.name}' cannot reach ` +
            `(${reach.blockedAt} is closed to other users): move the clone under a folder ` +
            `other users may enter, or delete ${link} to start a fresh one elsewhere.`,
        );
      databaseDir = path.join(
        sharedPlace(dataDir, reach.blockedAt),
        'clusters',
        clusterName(dataDir),
      );
      // A cluster here without its link belongs to a `.data` that was deleted.
      fs.rmSync(databaseDir, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(databaseDir), { recursive: true, mode: 0o755 });
      fs.symlinkSync(databaseDir, link);
      log.info({ databaseDir, link }, 'embedded PostgreSQL data kept where its user can reach it');
    }
  }

  let installDir = build.installDir;
  const binReach = canTraverse(path.join(installDir, 'bin'), user);
  if (!binReach.ok) {
    installDir = copyBuild(build, sharedPlace(build.installDir, binReach.blockedAt));
  }
  return { databaseDir, installDir, runAs: user };
}

function firstReachablePlace(places: readonly string[], user: SystemUser): string | undefined {
  for (const place of places) {
    try {
      fs.mkdirSync(place, { recursive: true, mode: 0o755 });
      if (canTraverse(place, user).ok) return place;
    } catch {
      // read-only or otherwise unusable: try the next one
    }
  }
  return undefined;
}

/** One cluster per data directory, named by its real path. */
function clusterName(dataDir: string): string {
  const real = fs.realpathSync(dataDir);
  return createHash('sha256').update(real).digest('hex').slice(0, 16);
}

function readLink(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The build copied into `place` (once per version: copied under a temporary name and renamed,
 * so a half-made copy is never used, also when several processes start at once).
 */
function copyBuild(build: PostgresBuild, place: string): string {
  const target = path.join(place, `postgres-${build.version}`);
  if (fs.existsSync(target)) return target;
  const temp = `${target}.${process.pid}.tmp`;
  fs.rmSync(temp, { recursive: true, force: true });
  fs.cpSync(build.installDir, temp, { recursive: true, verbatimSymlinks: true });
  try {
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw err;
  }
  return target;
}
