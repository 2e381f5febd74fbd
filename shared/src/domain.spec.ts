import { describe, expect, it } from 'vitest';
import { fareFor, freeStretches, segmentsOverlap, stateForSegment } from './domain.ts';

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

  it('finds the stretches of a segment a seat is still free on', () => {
    const held = (from: number, to: number) => ({ from, to, state: 'held' as const });
    // Sold 0->2 and 4->5 (overlapping halves of one berth too): free 2->4 of a 0->6 journey.
    expect(freeStretches([held(4, 5), held(0, 2), held(0, 2)], { from: 0, to: 6 })).toEqual([
      { from: 2, to: 4 },
      { from: 5, to: 6 },
    ]);
    // A span outside the segment frees nothing and takes nothing.
    expect(freeStretches([held(0, 2)], { from: 2, to: 4 })).toEqual([{ from: 2, to: 4 }]);
    expect(freeStretches([held(0, 3), held(1, 5)], { from: 1, to: 4 })).toEqual([]);
    expect(freeStretches([], { from: 1, to: 3 })).toEqual([{ from: 1, to: 3 }]);
  });

  it('prices by class and distance', () => {
    expect(fareFor({ baseFarePaise: 2000, perKmPaise: 50 }, 300, 2)).toBe(2 * (2000 + 15000));
  });
});
