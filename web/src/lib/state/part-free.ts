import { freeStretches, type SeatMapSeat, type StopRef } from '@berth/shared';

/** A stretch of the viewer's journey, between two of its stops. */
export interface Stretch {
  from: StopRef;
  to: StopRef;
}

/** A seat taken on part of the viewer's journey and free on the rest of it. */
export interface PartFree {
  state: 'held' | 'booked';
  /** Where on the journey it is taken, and where it is free, in route order. */
  taken: Stretch[];
  free: Stretch[];
  /** "free from Kota Junction": what the seat itself says. */
  words: string;
}

/**
 * Where a taken seat is still free on the viewer's segment, from its spans. A seat without
 * spans is free or taken all along (a snapshot leaves them out then), so it says nothing; nor
 * does the viewer's own seat.
 */
export function partFree(
  seat: Pick<SeatMapSeat, 'state' | 'occupancy'>,
  segment: { from: number; to: number },
  stops: ReadonlyMap<number, StopRef>,
): PartFree | null {
  if (seat.state !== 'held' && seat.state !== 'booked') return null;
  if (!seat.occupancy || seat.occupancy.length === 0) return null;
  const free = freeStretches(seat.occupancy, segment);
  if (free.length === 0) return null;
  const taken: { from: number; to: number }[] = [];
  let at = segment.from;
  for (const f of free) {
    if (f.from > at) taken.push({ from: at, to: f.from });
    at = f.to;
  }
  if (at < segment.to) taken.push({ from: at, to: segment.to });
  const freeNamed = named(free, stops);
  const takenNamed = named(taken, stops);
  // Every stop of the segment is in the snapshot; one missing would be a server bug, not a hint.
  if (!freeNamed || !takenNamed) return null;
  const parts = freeNamed.map((s) =>
    s.from.seq === segment.from
      ? `until ${s.to.name}`
      : s.to.seq === segment.to
        ? `from ${s.from.name}`
        : `${s.from.name} → ${s.to.name}`,
  );
  return {
    state: seat.state,
    taken: takenNamed,
    free: freeNamed,
    words: `free ${parts.join(' and ')}`,
  };
}

function named(
  stretches: readonly { from: number; to: number }[],
  stops: ReadonlyMap<number, StopRef>,
): Stretch[] | null {
  const out: Stretch[] = [];
  for (const s of stretches) {
    const from = stops.get(s.from);
    const to = stops.get(s.to);
    if (!from || !to) return null;
    out.push({ from, to });
  }
  return out;
}

/** "Jaipur Junction → Kota Junction". */
export function stretchName(s: Stretch): string {
  return `${s.from.name} → ${s.to.name}`;
}
