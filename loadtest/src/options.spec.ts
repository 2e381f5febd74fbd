import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './options.ts';

const DB = 'postgres://postgres:postgres@127.0.0.1:5432/berth';

describe('pnpm loadtest --target', () => {
  it('takes nodes already up on loopback, with their database', () => {
    const o = parseOptions(['--target', 'http://127.0.0.1:3000,http://localhost:3001/'], {
      DATABASE_URL: DB,
    });
    if (o === 'help') throw new Error('unreachable');
    expect(o.target).toEqual({ urls: ['http://127.0.0.1:3000', 'http://localhost:3001'] });
    expect(o.nodes).toBe(2);
    const withSecret = parseOptions(['--target', 'http://127.0.0.1:3000'], {
      DATABASE_URL: DB,
      JWT_SECRET: 's'.repeat(32),
    });
    if (withSecret === 'help') throw new Error('unreachable');
    expect(withSecret.target?.jwtSecret).toBe('s'.repeat(32));
  });

  it('refuses hosts outside loopback unless BERTH_LOADTEST_ALLOW_REMOTE=1', () => {
    const remote = ['--target', 'http://10.0.0.5:3000'];
    expect(() => parseOptions(remote, { DATABASE_URL: DB })).toThrow(/not loopback/);
    const o = parseOptions(remote, { DATABASE_URL: DB, BERTH_LOADTEST_ALLOW_REMOTE: '1' });
    expect(o === 'help' ? null : o.target?.urls).toEqual(['http://10.0.0.5:3000']);
  });

  it('needs the database, ports, plain http, and is not combined with --chaos', () => {
    expect(() => parseOptions(['--target', 'http://127.0.0.1:3000'], {})).toThrow(/DATABASE_URL/);
    expect(() => parseOptions(['--target', 'http://127.0.0.1'], { DATABASE_URL: DB })).toThrow(
      UsageError,
    );
    expect(() => parseOptions(['--target', 'nonsense'], { DATABASE_URL: DB })).toThrow(UsageError);
    expect(() =>
      parseOptions(['--target', 'http://127.0.0.1:3000', '--chaos'], { DATABASE_URL: DB }),
    ).toThrow(/not with --target/);
  });
});
