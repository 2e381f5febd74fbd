import type { Passenger } from '@berth/shared';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

/** A berth (or chair) for one passenger, and the part of it they take. */
export interface PlaceOnSeat {
  seatId: number;
  /** `[0,2)` the whole berth; `[0,1)` or `[1,2)` a RAC half. */
  part: '[0,2)' | '[0,1)' | '[1,2)';
}

/**
 * Writes a booking's party, in one statement: its passengers, and for each one that sits, the
 * booking seat row over the stops `[from, to)` (passenger i on `places[i]`; with no places the
 * party waits, seatless). ON CONFLICT DO NOTHING: should the locks ever miss an overlap, the
 * exclusion constraint skips the row instead of raising, and speculative insertion never
 * deadlocks two such inserts. Answers the seats whose rows went in; fewer than asked means taken.
 */
export async function insertParty(
  em: Em,
  bookingId: number,
  passengers: readonly Passenger[],
  places: readonly PlaceOnSeat[],
  stops: { from: number; to: number },
): Promise<number[]> {
  const bindings: unknown[] = [];
  const people = passengers.map((p, i) => {
    bindings.push(bookingId, i, p.name, p.age, p.gender ?? null, p.berthPreference ?? null);
    return '(?, ?, ?, ?, ?, ?)';
  });
  const partyInsert = `insert into booking_passengers (booking_id, position, name, age, gender, berth_preference)
       values ${people.join(', ')} returning id, position`;
  if (places.length === 0) {
    await query(em, partyInsert, bindings);
    return [];
  }
  // Bound in the order the placeholders appear: the party, the select's, then the places.
  bindings.push(bookingId, stops.from, stops.to);
  const seated = places.map((place, i) => {
    bindings.push(i, place.seatId, place.part);
    return '(?::int, ?::bigint, ?::int4range)';
  });
  const inserted = await query<{ seat_id: string }>(
    em,
    `with party as (${partyInsert})
     insert into booking_seats (booking_id, seat_id, stops, part, passenger_id)
     select ?, s.seat_id, int4range(?, ?), s.part, party.id
       from (values ${seated.join(', ')}) as s (position, seat_id, part)
       join party on party.position = s.position
     on conflict do nothing returning seat_id`,
    bindings,
  );
  return inserted.map((r) => Number(r.seat_id));
}
