import { describe, expect, it } from 'vitest';
import type { RunOccupancy } from '@berth/shared';
import { groupOccupancy, percent } from './occupancy-groups.ts';

const row = (runId: number, serviceDate: string, classCode: string): RunOccupancy => ({
  runId,
  trainNumber: String(12000 + runId),
  serviceDate,
  classCode,
  capacity: 10,
  seatsSold: 0,
  utilisation: 0,
  liveHolds: 0,
  racPassengers: 0,
  waitlistedPassengers: 0,
});

describe('groupOccupancy', () => {
  it('folds ordered rows into dates, trains and classes', () => {
    const groups = groupOccupancy([
      row(1, '2026-11-24', 'CC'),
      row(1, '2026-11-24', 'EC'),
      row(2, '2026-11-24', 'SL'),
      row(3, '2026-11-25', 'SL'),
    ]);
    expect(groups.map((g) => g.serviceDate)).toEqual(['2026-11-24', '2026-11-25']);
    expect(groups[0]!.trains.map((t) => t.classes.length)).toEqual([2, 1]);
  });
});

describe('percent', () => {
  it('keeps a small share visible', () => {
    expect(percent(0)).toBe('0%');
    expect(percent(0.004)).toBe('0.4%');
    expect(percent(0.456)).toBe('46%');
  });
});
