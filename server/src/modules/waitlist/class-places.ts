import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { expireLapsed } from '../booking/lapse.ts';
import { LAPSED, LIVE } from '../booking/seats.repository.ts';
import type { PlaceOnSeat } from '../booking/party-insert.ts';

/** One seat of a class with what sits on it, read under its row lock. */
interface ClassSeat {
  id: number;
  berth: string;
  rac: boolean;
  /** Live rows on it: stops `[from, to)` and part `[partFrom, partTo)`. */
  taken: { from: number; to: number; partFrom: number; partTo: number }[];
}

/**
 * The seats of one (run, class), locked in id order, with every live row on them. Lapsed holds
 * found there are expired first, as a hold expires them (their bookings locked after the seats).
 * With `skipLocked` (promotion, which must never wait: it may run inside a transaction that
 * already holds other seats) seats another transaction holds are left out: they are changing, and
 * the promotion job comes back for them.
 */
export async function lockClassSeats(
  em: Em,
  runId: number,
  classCode: string,
  opts: { skipLocked: boolean },
): Promise<ClassPlaces> {
  const seats = await query<{ id: string; berth: string; rac: boolean }>(
    em,
    `select id, berth, rac from seats where run_id = ? and class_code = ?
      order by id for update ${opts.skipLocked ? 'skip locked' : ''}`,
    [runId, classCode],
  );
  const ids = seats.map((s) => Number(s.id));
  const lapsed = await query<{ booking_id: string }>(
    em,
    `select distinct bs.booking_id from booking_seats bs join bookings b on b.id = bs.booking_id
      where bs.seat_id = any(?) and bs.active and ${LAPSED}`,
    [ids],
  );
  // Their other seats are all in this class (a booking is one class), so locked here already,
  // unless skipped: then the booking is skipped too (skip locked), and stays taken for now.
  const { freedSeatIds } = await expireLapsed(
    em,
    lapsed.map((r) => Number(r.booking_id)),
    { skipLocked: true },
  );
  const rows = await query<{
    seat_id: string;
    from_seq: number;
    to_seq: number;
    part_from: number;
    part_to: number;
  }>(
    em,
    `select bs.seat_id, lower(bs.stops) as from_seq, upper(bs.stops) as to_seq,
            lower(bs.part) as part_from, upper(bs.part) as part_to
       from booking_seats bs join bookings b on b.id = bs.booking_id
      where bs.seat_id = any(?) and bs.active and ${LIVE}`,
    [ids],
  );
  const byId = new Map<number, ClassSeat>(
    seats.map((s) => [Number(s.id), { id: Number(s.id), berth: s.berth, rac: s.rac, taken: [] }]),
  );
  for (const r of rows) {
    byId.get(Number(r.seat_id))?.taken.push({
      from: r.from_seq,
      to: r.to_seq,
      partFrom: r.part_from,
      partTo: r.part_to,
    });
  }
  return new ClassPlaces([...byId.values()], freedSeatIds);
}

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }) =>
  a.from < b.to && b.from < a.to;

/**
 * What is free in a class for a segment, as places are handed out one party at a time: each
 * `take` marks its places taken, so the next party sees what is left.
 */
export class ClassPlaces {
  constructor(
    private readonly seats: ClassSeat[],
    /** Seats freed by expiring lapsed holds while locking: the caller bumps them. */
    readonly freedSeatIds: number[],
  ) {}

  /** Whether the class has RAC berths (berth classes do; in chair cars the waitlist goes to seats). */
  hasRacBerths(): boolean {
    return this.seats.some((s) => s.rac);
  }

  /** How many whole berths (never RAC berths) are free all along the segment. */
  freeBerthCount(segment: { from: number; to: number }): number {
    return this.seats.filter((s) => !s.rac && !s.taken.some((t) => overlaps(t, segment))).length;
  }

  /** Whole berths (never RAC berths) free all along the segment, preferred berths first. */
  berths(segment: { from: number; to: number }, count: number, prefer: readonly string[] = []) {
    const free = this.seats.filter((s) => !s.rac && !s.taken.some((t) => overlaps(t, segment)));
    if (free.length < count) return null;
    const chosen: PlaceOnSeat[] = [];
    const left = [...free];
    for (let i = 0; i < count; i++) {
      const want = prefer[i];
      const at = Math.max(
        0,
        left.findIndex((s) => s.berth === want),
      );
      chosen.push({ seatId: left.splice(at, 1)[0]!.id, part: '[0,2)' });
    }
    return chosen;
  }

  /** RAC halves free all along the segment: halves next to a RAC passenger first, then empty berths. */
  racHalves(segment: { from: number; to: number }, count: number) {
    const halves: PlaceOnSeat[] = [];
    const rac = this.seats.filter((s) => s.rac);
    const halfFree = (s: ClassSeat, partFrom: number) =>
      !s.taken.some((t) => overlaps(t, segment) && t.partFrom <= partFrom && partFrom < t.partTo);
    // A berth with one half taken is filled first: two strangers share one berth, not two.
    const ordered = [...rac].sort(
      (a, b) => Number(halfFree(a, 0) && halfFree(a, 1)) - Number(halfFree(b, 0) && halfFree(b, 1)),
    );
    for (const s of ordered) {
      for (const partFrom of [0, 1]) {
        if (halves.length < count && halfFree(s, partFrom)) {
          halves.push({ seatId: s.id, part: partFrom === 0 ? '[0,1)' : '[1,2)' });
        }
      }
    }
    return halves.length === count ? halves : null;
  }

  /** Marks places taken over the segment, for the parties handed places after this one. */
  take(places: readonly PlaceOnSeat[], segment: { from: number; to: number }) {
    for (const p of places) {
      const seat = this.seats.find((s) => s.id === p.seatId)!;
      const [partFrom, partTo] = p.part === '[0,2)' ? [0, 2] : p.part === '[0,1)' ? [0, 1] : [1, 2];
      seat.taken.push({ ...segment, partFrom, partTo });
    }
  }

  /** Gives back places (a promoted RAC passenger's half), for the parties after this one. */
  give(places: readonly PlaceOnSeat[], segment: { from: number; to: number }) {
    for (const p of places) {
      const seat = this.seats.find((s) => s.id === p.seatId)!;
      const [partFrom] = p.part === '[0,1)' ? [0] : p.part === '[1,2)' ? [1] : [0];
      const i = seat.taken.findIndex(
        (t) => t.from === segment.from && t.to === segment.to && t.partFrom === partFrom,
      );
      if (i >= 0) seat.taken.splice(i, 1);
    }
  }
}
