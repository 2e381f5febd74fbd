import { describe, expect, it } from 'vitest';
import { chaosSchedule, KILL_EVERY_MS, MIN_WINDOW_MS } from './chaos.ts';

describe('the chaos schedule', () => {
  it('kills a node every 20 s and restarts Redis and PostgreSQL once each, between kills', () => {
    const faults = chaosSchedule(60_000, 2, 1);
    const kills = faults.filter((f) => f.kind === 'kill-node');
    expect(kills.map((f) => f.atMs)).toEqual([10_000, 30_000, 50_000]);
    expect(kills.every((f) => f.node === 0 || f.node === 1)).toBe(true);
    const redis = faults.filter((f) => f.kind === 'restart-redis');
    const postgres = faults.filter((f) => f.kind === 'restart-postgres');
    expect(redis).toHaveLength(1);
    expect(postgres).toHaveLength(1);
    expect(redis[0]!.atMs).toBeLessThan(postgres[0]!.atMs);
    // In time order, inside the window, never two within 5 s of each other.
    const times = faults.map((f) => f.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((t) => t > 0 && t < 60_000)).toBe(true);
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(5_000);
  });

  it('is the same for a seed, and spreads kills over the nodes across seeds', () => {
    expect(chaosSchedule(120_000, 3, 7)).toEqual(chaosSchedule(120_000, 3, 7));
    const killed = new Set(
      [1, 2, 3, 4, 5].flatMap((seed) =>
        chaosSchedule(120_000, 3, seed)
          .filter((f) => f.kind === 'kill-node')
          .map((f) => f.node),
      ),
    );
    expect(killed).toEqual(new Set([0, 1, 2]));
  });

  it('refuses a window too short for every fault', () => {
    expect(() => chaosSchedule(MIN_WINDOW_MS - 1, 2, 1)).toThrow(/at least 60 s/);
    expect(KILL_EVERY_MS).toBe(20_000);
  });
});
