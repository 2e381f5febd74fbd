import { describe, expect, it } from 'vitest';
import type { SeatMapSeat } from '@berth/shared';
import { coachGrid, layoutOf, moveFrom } from './layout.ts';

const PATTERNS: Record<string, string[]> = {
  sleeper: ['LB', 'MB', 'UB', 'LB', 'MB', 'UB', 'SL', 'SU'],
  chair3: ['WS', 'MS', 'AS', 'AS', 'WS'],
  chair2: ['WS', 'AS', 'AS', 'WS'],
};

function coach(kind: string, count: number): SeatMapSeat[] {
  const pattern = PATTERNS[kind]!;
  return Array.from({ length: count }, (_, i) => ({
    seatId: 100 + i + 1,
    coach: 'S1',
    number: i + 1,
    berth: pattern[i % pattern.length]!,
    label: `S1-${i + 1}`,
    classCode: 'SL',
    version: 1,
    state: 'free' as const,
    rac: false,
  }));
}

describe('coach layout', () => {
  it('tells the layouts apart by their berth codes', () => {
    expect(layoutOf(coach('sleeper', 8))).toBe('sleeper-8');
    expect(layoutOf(coach('chair3', 5))).toBe('chair-3x2');
    expect(layoutOf(coach('chair2', 4))).toBe('chair-2x2');
  });

  it('draws a sleeper bay as 1 2 3 | 7 over 4 5 6 | 8', () => {
    const grid = coachGrid(coach('sleeper', 16));
    const numbers = grid.rows.map((r) => r.map((id) => (id === null ? null : id - 100)));
    expect(numbers).toEqual([
      [1, 2, 3, null, 7],
      [4, 5, 6, null, 8],
      [9, 10, 11, null, 15],
      [12, 13, 14, null, 16],
    ]);
    expect([...grid.bayStarts]).toEqual([0, 2]);
  });

  it('puts chair car seats either side of the aisle', () => {
    expect(coachGrid(coach('chair3', 5)).rows[0]!.map((id) => id && id - 100)).toEqual([
      1,
      2,
      3,
      null,
      4,
      5,
    ]);
    expect(coachGrid(coach('chair2', 4)).rows[0]!.map((id) => id && id - 100)).toEqual([
      1,
      2,
      null,
      3,
      4,
    ]);
  });

  it('moves by arrow keys across the aisle and between bays', () => {
    const grid = coachGrid(coach('sleeper', 16));
    expect(moveFrom(grid, 103, 'right')).toBe(107); // across the aisle to the side lower
    expect(moveFrom(grid, 107, 'right')).toBe(104); // on to the next row
    expect(moveFrom(grid, 101, 'down')).toBe(104);
    expect(moveFrom(grid, 108, 'down')).toBe(115);
    expect(moveFrom(grid, 101, 'up')).toBeNull();
    expect(moveFrom(grid, 101, 'left')).toBeNull();
    expect(moveFrom(grid, 110, 'end')).toBe(116);
    expect(moveFrom(grid, 110, 'home')).toBe(101);
  });
});
