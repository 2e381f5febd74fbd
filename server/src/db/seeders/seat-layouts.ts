/**
 * How a coach's seats are numbered. `coaches.layout` names one of these; the berth pattern
 * repeats along the coach, so seat n has berth `pattern[(n - 1) % pattern.length]`, exactly as
 * Indian Railways numbers them (a sleeper bay is 1 LB, 2 MB, 3 UB, 4 LB, 5 MB, 6 UB, 7 SL, 8 SU).
 */
export const SEAT_LAYOUTS = {
  /** Sleeper and AC 3 tier: bays of six berths plus two side berths. */
  'sleeper-8': ['LB', 'MB', 'UB', 'LB', 'MB', 'UB', 'SL', 'SU'],
  /** Chair car, three seats and two across the aisle. */
  'chair-3x2': ['WS', 'MS', 'AS', 'AS', 'WS'],
  /** Executive chair car, two and two. */
  'chair-2x2': ['WS', 'AS', 'AS', 'WS'],
} as const satisfies Record<string, readonly string[]>;

export type LayoutName = keyof typeof SEAT_LAYOUTS;

export interface SeatSpec {
  number: number;
  berth: string;
}

/** Seats 1..count of a coach with this layout. */
export function layoutSeats(layout: LayoutName, count: number): SeatSpec[] {
  const pattern: readonly string[] = SEAT_LAYOUTS[layout];
  return Array.from({ length: count }, (_, i) => ({
    number: i + 1,
    berth: pattern[i % pattern.length]!,
  }));
}
