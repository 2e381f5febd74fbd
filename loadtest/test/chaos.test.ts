import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisServerAvailable } from '@berth/server/src/cluster/local-redis.ts';
import { parseOptions, repoRoot } from '../src/options.ts';
import { runLoadtest } from '../src/run.ts';

/**
 * A small rush under chaos (`--chaos`): nodes SIGKILLed every 20 s and restarted, Redis and
 * PostgreSQL each restarted once, slow consumers and a reconnect storm, on a PostgreSQL, data
 * directory and Redis of its own (CHAOS_PG_PORT, CHAOS_REDIS_PORT). It asserts what the issue
 * promises, never figures: every fault happened and was recovered from, no acknowledged
 * confirmation was lost, the verifier found nothing, and every watcher converged.
 */
describe.skipIf(!redisServerAvailable())('load test under chaos', () => {
  it('a rush through node kills and Redis and PostgreSQL restarts loses nothing, and every map converges', async () => {
    const pgPort = process.env.CHAOS_PG_PORT ?? '54389';
    const options = parseOptions(
      ['--chaos', '--watchers', '300', '--peak', '5', '--seed', '3', '--ack-timeout', '30000'],
      { LOADTEST_PG_PORT: pgPort, LOADTEST_REDIS_PORT: process.env.CHAOS_REDIS_PORT ?? '16399' },
    );
    if (options === 'help') throw new Error('unreachable');
    const lines: string[] = [];
    const result = await runLoadtest({
      ...options,
      dataDir: path.join(repoRoot, '.data', `chaos-${pgPort}`),
      print: (line) => lines.push(line),
    });
    console.log(lines.join('\n'));
    expect(result.failures).toEqual([]);
    const s = result.summary;
    // Three node kills, one Redis and one PostgreSQL restart, each back (a failed one fails above).
    expect(s.chaos_faults).toBe(5);
    // The kills and the storm cut connections, and the users came back.
    expect(s.reconnects).toBeGreaterThan(0);
    expect(s.converge_stale).toBe(0);
    expect(s.lost_confirmations).toBe(0);
    // 300 users at 5 holds a second: holds go on through every fault, not only before the first.
    expect(s.holds_ok).toBeGreaterThan(200);
    expect(s.maps_compared).toBeGreaterThan(0);
  });
});
