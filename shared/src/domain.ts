import type { BookingStatus, PlaceKind } from './schemas/booking.ts';
import type { OccupancySpan, SeatState } from './schemas/seats.ts';

/** Half-open stop ranges [from, to) overlap: 0->2 and 2->4 do not, 0->3 overlaps both. */
export function segmentsOverlap(a: { from: number; to: number }, b: { from: number; to: number }) {
  return a.from < b.to && b.from < a.to;
}

/** Booked beats RAC beats held beats free, over every span that touches the segment. */
export function stateForSegment(
  occupancy: readonly OccupancySpan[],
  segment: { from: number; to: number },
): 'free' | 'held' | 'booked' | 'rac' {
  let state: 'free' | 'held' | 'rac' = 'free';
  for (const span of occupancy) {
    if (!segmentsOverlap(span, segment)) continue;
    if (span.state === 'booked') return 'booked';
    if (span.state === 'rac') state = 'rac';
    else if (state === 'free') state = 'held';
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

/**
 * What a search shows for a class on a segment, as Indian railway booking prints it:
 * `AVAILABLE 12` while berths are free, then `RAC 3` (the number the next request would get) while
 * RAC halves are, then `WL 7`, and `REGRET` once the waitlist is closed too (full, or the chart
 * for this boarding is prepared): nothing can be sold. The first word is what a request would be given.
 */
export function availabilityLabel(c: {
  free: number;
  racHalvesFree: number;
  racCount: number;
  waitlistCount: number;
  waitlistOpen: boolean;
}): string {
  if (c.free > 0) return `AVAILABLE ${c.free}`;
  if (c.racHalvesFree > 0) return `RAC ${c.racCount + 1}`;
  if (c.waitlistOpen) return `WL ${c.waitlistCount + 1}`;
  return 'REGRET';
}

/** A seat a hold may take: free for the segment, and not a RAC berth (sold only by request). */
export function canHold(seat: { state: SeatState; rac: boolean }): boolean {
  return seat.state === 'free' && !seat.rac;
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

/**
 * Where one passenger stands, as a PNR enquiry prints it: `CNF S1/36 LB`, `RAC 4`, `WL 12`,
 * `HELD S1/36 LB` (or `HELD RAC S1/71`, `HELD WL`) while unpaid, `CAN` once cancelled.
 * `queueNumber` is their RAC or WL number (per run and class, in order of payment).
 */
export function standingLabel(
  status: BookingStatus,
  place: PlaceKind,
  seat: { coach: string; number: number; berth: string } | null,
  queueNumber: number | null,
): string {
  const at = seat ? `${seat.coach}/${seat.number}` : '';
  switch (status) {
    case 'confirmed':
      return `CNF ${at} ${seat?.berth ?? ''}`.trim();
    case 'rac':
      return `RAC ${queueNumber ?? ''}`.trim();
    case 'waitlisted':
      return `WL ${queueNumber ?? ''}`.trim();
    case 'held':
    case 'paying':
      if (place === 'waitlist') return 'HELD WL';
      if (place === 'rac') return `HELD RAC ${at}`.trim();
      return `HELD ${at} ${seat?.berth ?? ''}`.trim();
    case 'cancelled':
      return 'CAN';
    case 'expired':
      return 'EXPIRED';
    case 'released':
      return 'RELEASED';
  }
}
