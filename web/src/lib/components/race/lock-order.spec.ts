import { describe, expect, it } from 'vitest';
import type { RaceEntry } from '@berth/shared';
import { byLockOrder, microsOf } from './lock-order.ts';

const entry = (contender: string, lockedAt: string | null, lockWaitMs = 0): RaceEntry => ({
  contender,
  node: 'n1',
  outcome: 'SEAT_TAKEN',
  lockWaitMs,
  totalMs: lockWaitMs + 1,
  lockedAt,
  unlockedAt: lockedAt,
});

describe('the race timeline order', () => {
  it('keeps the microseconds a Date would drop', () => {
    expect(microsOf('2026-12-01T20:33:01.000002Z') - microsOf('2026-12-01T20:33:01.000001Z')).toBe(
      1,
    );
  });

  it('sorts by when the lock let each racer through, not by how long it waited', () => {
    // A late loser that never waited (it arrived after the winner had let go) locked last.
    const winner = entry('Racer 01', '2026-12-01T20:33:01.100000Z', 0.2);
    const queued = entry('Racer 02', '2026-12-01T20:33:01.104000Z', 3.9);
    const late = entry('Racer 03', '2026-12-01T20:33:01.250000Z', 0.1);
    const refused = entry('Racer 00', null);
    expect([late, refused, queued, winner].sort(byLockOrder).map((e) => e.contender)).toEqual([
      'Racer 01',
      'Racer 02',
      'Racer 03',
      'Racer 00',
    ]);
  });
});
