import { describe, expect, it } from 'vitest';
import { fareFor, segmentsOverlap, stateForSegment } from './domain.ts';

describe('segments', () => {
  it('0->2 and 2->4 do not overlap; 0->3 overlaps both', () => {
    expect(segmentsOverlap({ from: 0, to: 2 }, { from: 2, to: 4 })).toBe(false);
    expect(segmentsOverlap({ from: 0, to: 3 }, { from: 0, to: 2 })).toBe(true);
    expect(segmentsOverlap({ from: 0, to: 3 }, { from: 2, to: 4 })).toBe(true);
  });

  it('derives a segment state: booked beats held beats free', () => {
    const occupancy = [
      { from: 0, to: 2, state: 'held' as const },
      { from: 2, to: 4, state: 'booked' as const },
    ];
    expect(stateForSegment(occupancy, { from: 0, to: 1 })).toBe('held');
    expect(stateForSegment(occupancy, { from: 1, to: 3 })).toBe('booked');
    expect(stateForSegment(occupancy, { from: 4, to: 5 })).toBe('free');
  });

  it('prices by class and distance', () => {
    expect(fareFor({ baseFarePaise: 2000, perKmPaise: 50 }, 300, 2)).toBe(2 * (2000 + 15000));
  });
});
