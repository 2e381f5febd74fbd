import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisServerAvailable } from '@berth/server/src/cluster/local-redis.ts';
import { parseOptions, repoRoot } from '../src/options.ts';
import { runLoadtest } from '../src/run.ts';

/**
 * The smoke: one Artillery run with every persona as weighted scenarios, a few dozen virtual
 * users, on a PostgreSQL, data directory and Redis of its own (SMOKE_PG_PORT, SMOKE_REDIS_PORT),
 * with generous ack timeouts for a loaded machine. It asserts correctness only; the figures are
 * printed, never judged (benchmarks print, tests assert behaviour).
 */
describe.skipIf(!redisServerAvailable())('load-test smoke', () => {
  it('every persona at once: no contract breach, error, lost ack, double winner, stale seat, verifier finding or lost confirmation', async () => {
    const pgPort = process.env.SMOKE_PG_PORT ?? '54379';
    const options = parseOptions(['--scenario', 'mix', '--seed', '7', '--ack-timeout', '30000'], {
      LOADTEST_PG_PORT: pgPort,
      LOADTEST_REDIS_PORT: process.env.SMOKE_REDIS_PORT ?? '16389',
    });
    if (options === 'help') throw new Error('unreachable');
    const lines: string[] = [];
    const result = await runLoadtest({
      ...options,
      dataDir: path.join(repoRoot, '.data', `smoke-${pgPort}`),
      print: (line) => lines.push(line),
    });
    console.log(lines.join('\n'));
    expect(result.failures).toEqual([]);
    // A smoke that made no holds, deliveries or maps would prove nothing.
    expect(result.summary.holds_ok).toBeGreaterThan(0);
    expect(result.summary.fanout_batches).toBeGreaterThan(0);
    expect(result.summary.maps_compared).toBeGreaterThan(0);
  });
});
