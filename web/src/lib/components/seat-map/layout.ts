import type { SeatMapSeat } from '@berth/shared';

/** How a coach's seats stand: the seed's `coaches.layout` names, inferred from the berth codes. */
export type LayoutName = 'sleeper-8' | 'chair-3x2' | 'chair-2x2';

interface LayoutShape {
  /** Seats per repeating group (a sleeper bay, a chair row). */
  group: number;
  /** Rows one group takes on screen. */
  rows: number;
  /** Columns including the aisle. */
  cols: number;
  aisle: number;
  /** Where seat k of a group sits: [row within the group, column]. */
  slots: readonly (readonly [number, number])[];
}

/**
 * Seats are numbered along the coach in a pattern that repeats (Indian Railways numbering):
 * a sleeper bay is 1 LB 2 MB 3 UB facing 4 LB 5 MB 6 UB, with 7 SL and 8 SU across the aisle.
 */
const SHAPES: Record<LayoutName, LayoutShape> = {
  'sleeper-8': {
    group: 8,
    rows: 2,
    cols: 5,
    aisle: 3,
    slots: [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
      [0, 4],
      [1, 4],
    ],
  },
  'chair-3x2': {
    group: 5,
    rows: 1,
    cols: 6,
    aisle: 3,
    slots: [
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 4],
      [0, 5],
    ],
  },
  'chair-2x2': {
    group: 4,
    rows: 1,
    cols: 5,
    aisle: 2,
    slots: [
      [0, 0],
      [0, 1],
      [0, 3],
      [0, 4],
    ],
  },
};

/** The snapshot carries berth codes, not the layout name: the codes tell the layouts apart. */
export function layoutOf(seats: readonly Pick<SeatMapSeat, 'berth'>[]): LayoutName {
  if (seats.some((s) => s.berth === 'LB' || s.berth === 'SL')) return 'sleeper-8';
  if (seats.some((s) => s.berth === 'MS')) return 'chair-3x2';
  return 'chair-2x2';
}

export interface CoachGrid {
  layout: LayoutName;
  cols: number;
  aisle: number;
  /** Rows of seat ids (null for the aisle or an empty place). */
  rows: (number | null)[][];
  /** Rows that start a new sleeper bay (drawn with a divider). */
  bayStarts: Set<number>;
  /** Where each seat is, for arrow-key moves. */
  at: Map<number, [number, number]>;
}

/** Lays one coach's seats out as they stand in the coach. */
export function coachGrid(seats: readonly SeatMapSeat[]): CoachGrid {
  const layout = layoutOf(seats);
  const shape = SHAPES[layout];
  const rows: (number | null)[][] = [];
  const at = new Map<number, [number, number]>();
  const bayStarts = new Set<number>();
  for (const seat of seats) {
    const i = seat.number - 1;
    const group = Math.floor(i / shape.group);
    const [dr, col] = shape.slots[i % shape.group]!;
    const row = group * shape.rows + dr;
    while (rows.length <= row) rows.push(Array<number | null>(shape.cols).fill(null));
    rows[row]![col] = seat.seatId;
    at.set(seat.seatId, [row, col]);
    if (shape.rows > 1) bayStarts.add(group * shape.rows);
  }
  return { layout, cols: shape.cols, aisle: shape.aisle, rows, bayStarts, at };
}

export type Move = 'left' | 'right' | 'up' | 'down' | 'home' | 'end';

/** The seat an arrow key moves to from `seatId`, or null at the edge of the coach. */
export function moveFrom(grid: CoachGrid, seatId: number, move: Move): number | null {
  const all = grid.rows.flat().filter((id): id is number => id !== null);
  if (move === 'home') return all[0] ?? null;
  if (move === 'end') return all.at(-1) ?? null;
  const pos = grid.at.get(seatId);
  if (!pos) return null;
  const [row, col] = pos;
  if (move === 'left' || move === 'right') {
    // Reading order, so Right from the end of a row continues on the next one.
    const i = all.indexOf(seatId) + (move === 'right' ? 1 : -1);
    return all[i] ?? null;
  }
  const step = move === 'down' ? 1 : -1;
  for (let r = row + step; r >= 0 && r < grid.rows.length; r += step) {
    const cells = grid.rows[r]!;
    // Same column if there is a seat there, else the nearest seat in that row.
    let best: number | null = null;
    let bestDist = Infinity;
    cells.forEach((id, c) => {
      if (id !== null && Math.abs(c - col) < bestDist) {
        best = id;
        bestDist = Math.abs(c - col);
      }
    });
    if (best !== null) return best;
  }
  return null;
}
