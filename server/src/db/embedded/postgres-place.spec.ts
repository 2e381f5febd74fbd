import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.ts';
import { placePostgres } from './postgres-place.ts';
import { isRoot } from './system-user.ts';

const log = createLogger('silent');
let made: string[] = [];
afterEach(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made = [];
});
/** A fresh folder: 0700, as `mktemp -d` and `/root` are. */
function closed(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-place-'));
  made.push(dir);
  return dir;
}
function open(): string {
  const dir = closed();
  fs.chmodSync(dir, 0o755);
  return dir;
}
/** A stand-in build: placing it only copies and checks folders, it never runs them. */
function buildIn(dir: string) {
  const installDir = path.join(dir, 'native');
  fs.mkdirSync(path.join(installDir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(installDir, 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o755 });
  return { installDir, version: '0.0.0-test' };
}

describe('placePostgres', () => {
  it('keeps a cluster in the clone when its user can reach it', () => {
    const clone = open();
    const place = placePostgres(path.join(clone, '.data'), buildIn(clone), log, [open()]);
    expect(place.databaseDir).toBe(path.join(clone, '.data', 'postgres'));
    expect(place.installDir).toBe(path.join(clone, 'native'));
    expect(fs.lstatSync(path.join(clone, '.data')).isDirectory()).toBe(true);
  });

  it('as root, moves the cluster and a copy of the build out of a clone under a 0700 folder', () => {
    const clone = path.join(closed(), 'berth');
    const shared = open();
    const dataDir = path.join(clone, '.data');
    const place = placePostgres(dataDir, buildIn(clone), log, [shared]);
    if (!isRoot()) {
      // Not root, PostgreSQL runs as this user, who can reach its own folders.
      expect(place.databaseDir).toBe(path.join(dataDir, 'postgres'));
      expect(place.runAs).toBeUndefined();
      return;
    }
    expect(place.runAs?.name).toBe('postgres');
    expect(path.dirname(place.databaseDir)).toBe(path.join(shared, 'clusters'));
    expect(fs.readlinkSync(path.join(dataDir, 'postgres'))).toBe(place.databaseDir);
    expect(place.installDir).toBe(path.join(shared, 'postgres-0.0.0-test'));
    expect(fs.statSync(path.join(place.installDir, 'bin', 'postgres')).mode & 0o755).toBe(0o755);

    // A second start finds the same place through the link.
    fs.mkdirSync(place.databaseDir);
    fs.writeFileSync(path.join(place.databaseDir, 'PG_VERSION'), '18\n');
    const again = placePostgres(dataDir, buildIn(clone), log, [shared]);
    expect(again.databaseDir).toBe(place.databaseDir);
    expect(fs.existsSync(path.join(again.databaseDir, 'PG_VERSION'))).toBe(true);

    // Deleting .data deletes the cluster too: the next start begins with an empty one.
    fs.rmSync(dataDir, { recursive: true });
    const fresh = placePostgres(dataDir, buildIn(clone), log, [shared]);
    expect(fresh.databaseDir).toBe(place.databaseDir);
    expect(fs.existsSync(path.join(fresh.databaseDir, 'PG_VERSION'))).toBe(false);
  });

  it('as root, stops with one sentence when no place its user can reach can be made', () => {
    const clone = path.join(closed(), 'berth');
    const nowhere = path.join(closed(), 'shared');
    const place = () => placePostgres(path.join(clone, '.data'), buildIn(clone), log, [nowhere]);
    if (!isRoot()) {
      expect(place().runAs).toBeUndefined();
      return;
    }
    expect(place).toThrow(
      new RegExp(
        `system user 'postgres', who cannot reach ${clone}/\\.data because ${path.dirname(clone)} ` +
          `is closed to other users.*tried ${nowhere}\\).*DATABASE_URL`,
      ),
    );
    expect(fs.existsSync(path.join(clone, '.data', 'postgres'))).toBe(false);
  });
});
