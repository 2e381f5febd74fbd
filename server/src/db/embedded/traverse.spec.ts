import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canTraverse, unreachableMessage, type SystemUser } from './traverse.ts';

const NOBODY = 65534;
let made: string[] = [];
afterEach(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made = [];
});

/** A fresh folder (mkdtemp makes it 0700) with `sub/` inside, as an unprivileged user owns it. */
function folder(): { dir: string; sub: string; owner: SystemUser } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-traverse-'));
  made.push(dir);
  const sub = path.join(dir, 'sub');
  fs.mkdirSync(sub);
  // As root the folder is handed to `nobody`, so the owner's class is not root's free pass.
  const uid = process.getuid!() === 0 ? NOBODY : process.getuid!();
  const gid = process.getuid!() === 0 ? NOBODY : process.getgid!();
  if (process.getuid!() === 0) fs.chownSync(dir, uid, gid);
  return { dir, sub, owner: { name: 'owner', uid, gid, gids: [gid] } };
}
const stranger: SystemUser = { name: 'postgres', uid: 4242, gid: 4242, gids: [4242] };

describe('canTraverse', () => {
  it('refuses a user at the first folder closed to it (a mktemp -d folder is 0700)', () => {
    const { dir, sub } = folder();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(canTraverse(sub, stranger)).toEqual({ ok: false, blockedAt: dir });
  });

  it('lets a user through once every folder on the way has its search bit', () => {
    const { dir, sub } = folder();
    fs.chmodSync(dir, 0o711);
    expect(canTraverse(sub, stranger)).toEqual({ ok: true });
  });

  it('checks only the class that matches, as the kernel does', () => {
    const { dir, sub, owner } = folder();
    fs.chmodSync(dir, 0o001); // others may enter, the owner may not
    expect(canTraverse(sub, stranger)).toEqual({ ok: true });
    expect(canTraverse(sub, owner)).toEqual({ ok: false, blockedAt: dir });
    fs.chmodSync(dir, 0o010); // only the folder's group may enter
    const member: SystemUser = { ...stranger, gids: [4242, owner.gid] };
    expect(canTraverse(sub, member)).toEqual({ ok: true });
    expect(canTraverse(sub, stranger)).toEqual({ ok: false, blockedAt: dir });
  });

  it('lets root through anywhere, and stops at a part of the path not made yet', () => {
    const { dir } = folder();
    expect(canTraverse(path.join(dir, 'x'), { ...stranger, uid: 0 })).toEqual({ ok: true });
    fs.chmodSync(dir, 0o755);
    expect(canTraverse(path.join(dir, 'not', 'yet'), stranger)).toEqual({ ok: true });
  });
});

describe('unreachableMessage', () => {
  it('says in one sentence who cannot reach what, where it tried, and what to do', () => {
    const text = unreachableMessage(stranger, '/root/berth/.data', '/root', [
      '/var/lib/berth',
      '/var/tmp/berth',
    ]);
    expect(text).toContain("system user 'postgres'");
    expect(text).toContain('/root/berth/.data');
    expect(text).toContain('/root is closed to other users');
    expect(text).toContain('/var/lib/berth, /var/tmp/berth');
    expect(text).toContain('DATABASE_URL');
    expect(text.split(/\.\s/)).toHaveLength(1);
    expect(text.endsWith('.')).toBe(true);
  });
});
