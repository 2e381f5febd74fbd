import type { OccupancySpan, SeatState } from './schemas/seats.ts';

/** Half-open stop ranges [from, to) overlap: 0->2 and 2->4 do not, 0->3 overlaps both. */
export function segmentsOverlap(a: { from: number; to: number }, b: { from: number; to: number }) {
  return a.from < b.to && b.from < a.to;
}

/** Booked beats held beats free, over every span that touches the segment. */
export function stateForSegment(
  occupancy: readonly OccupancySpan[],
  segment: { from: number; to: number },
): 'free' | 'held' | 'booked' {
  let state: 'free' | 'held' | 'booked' = 'free';
  for (const span of occupancy) {
    if (!segmentsOverlap(span, segment)) continue;
    if (span.state === 'booked') return 'booked';
    state = 'held';
  }
  return state;
}

/**
 * A train has left a station once its departure from there is not in the future: from then on no
 * seat can be held for a journey boarding there, and every view of it says "Departed". The
 * server's hold and every client's view decide it with this one rule.
 */
export function hasLeft(departsAt: Date | string, nowMs: number): boolean {
  return new Date(departsAt).getTime() <= nowMs;
}

/**
 * The stretches of `segment` that no span touches, in route order: where a seat taken on part
 * of a journey is still free. Empty when the seat is taken all along; the whole segment when free.
 */
export function freeStretches(
  occupancy: readonly { from: number; to: number }[],
  segment: { from: number; to: number },
): { from: number; to: number }[] {
  const taken = occupancy
    .filter((span) => segmentsOverlap(span, segment))
    .sort((a, b) => a.from - b.from);
  const free: { from: number; to: number }[] = [];
  let at = segment.from;
  for (const span of taken) {
    if (span.from > at) free.push({ from: at, to: span.from });
    at = Math.max(at, span.to);
  }
  if (at < segment.to) free.push({ from: at, to: segment.to });
  return free;
}

export function isTaken(state: SeatState) {
  return state !== 'free';
}

/** Fare in paise: a base per passenger plus a rate per kilometre travelled. */
export function fareFor(
  rule: { baseFarePaise: number; perKmPaise: number },
  km: number,
  passengers: number,
): number {
  return (rule.baseFarePaise + rule.perKmPaise * km) * passengers;
}

const BERTH_NAMES: Record<string, string> = {
  LB: 'Lower',
  MB: 'Middle',
  UB: 'Upper',
  SL: 'Side lower',
  SU: 'Side upper',
  WS: 'Window',
  MS: 'Middle',
  AS: 'Aisle',
};

/** "S1-23 Side lower": what a passenger reads on a ticket. */
export function seatLabel(coach: string, number: number, berth: string): string {
  return `${coach}-${number} ${BERTH_NAMES[berth] ?? berth}`;
}

/**
 * The stations' local time: the timetable is written in it and every client shows times in it
 * (all of Berth's stations are in India). Search dates are read in the server's BERTH_TIMEZONE,
 * which defaults to this and is announced at GET /api/calendar.
 */
export const TIMETABLE_TIME_ZONE = 'Asia/Kolkata';

/** The travel classes' names, by code: what the catalog is seeded with and what clients show. */
export const TRAVEL_CLASS_NAMES = {
  SL: 'Sleeper',
  CC: 'AC Chair Car',
  '3A': 'AC 3 Tier',
  EC: 'Executive Chair Car',
} as const;
