import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { PlaceOnSeat } from '../booking/party-insert.ts';
import { bumpSeats } from '../booking/seat-changes.ts';
import { raise } from '../events/domain-events.ts';
import { lockClassSeats } from './class-places.ts';
import { holdsPromotion, tryPromotion } from './promotion-lock.ts';
import { announceQueueMoved } from './queue-numbers.ts';

interface Waiting {
  id: number;
  pnr: string;
  userId: number;
  status: 'rac' | 'waitlisted';
  stops: { from: number; to: number };
  passengerIds: number[];
  prefs: string[];
}

/**
 * Promotes whoever now fits in (run, class), by the rule (docs/architecture.md, "Promotion"):
 * RAC bookings first, then waitlisted ones, each queue in order of payment; a party moves only
 * whole, onto places free all along its journey: a RAC party to berths of its own, a waitlisted
 * party to berths, or in a berth class whose other berths are all taken to RAC halves. A party
 * that does not fit is passed over, and a later one that fits may go first. Only a transaction
 * holding the class's promotion lock promotes. Every seat row of the class it may take is locked
 * up front in id order, skipping those another transaction holds (it must never wait: it may run
 * inside a cancellation that already holds seats); the promotion job comes back for those.
 * Answers how many bookings moved.
 */
export async function promote(em: Em, runId: number, classCode: string): Promise<number> {
  if (!holdsPromotion(em, runId, classCode)) {
    throw new Error(`promotion of run ${runId} ${classCode} without its lock`);
  }
  const queued = await query<{ id: string }>(
    em,
    `select id from bookings where run_id = ? and class_code = ? and status in ('rac', 'waitlisted')`,
    [runId, classCode],
  );
  if (queued.length === 0) return 0;
  const places = await lockClassSeats(em, runId, classCode, { skipLocked: true });
  const queue = await lockQueue(
    em,
    queued.map((q) => Number(q.id)),
  );
  const changed = new Set<number>(places.freedSeatIds);
  const promoted: number[] = [];
  for (const b of queue) {
    const n = b.passengerIds.length;
    const berths = places.berths(b.stops, n, b.prefs);
    let to: 'confirmed' | 'rac' | null = berths ? 'confirmed' : null;
    let chosen = berths;
    if (!chosen && b.status === 'waitlisted' && places.hasRacBerths()) {
      if (places.freeBerthCount(b.stops) === 0) chosen = places.racHalves(b.stops, n);
      if (chosen) to = 'rac';
    }
    if (!chosen || !to) continue;
    const given = await leaveSeats(em, b.id);
    places.give(given, b.stops);
    places.take(chosen, b.stops);
    await seatParty(em, b, chosen);
    await query(em, `update bookings set status = ?, place = ?, updated_at = now() where id = ?`, [
      to,
      to === 'confirmed' ? 'berth' : 'rac',
      b.id,
    ]);
    for (const p of [...given, ...chosen]) changed.add(p.seatId);
    raise(em, {
      type: 'booking.promoted',
      booking: { id: b.id, pnr: b.pnr, userId: b.userId },
      from: b.status,
      to,
    });
    promoted.push(b.id);
  }
  await bumpSeats(em, [...changed]);
  if (promoted.length > 0) await announceQueueMoved(em, runId, classCode, promoted);
  return promoted.length;
}

/**
 * Locks the waiting bookings (after the seats, in id order: the lock order) and re-reads them,
 * RAC before waitlisted, each in order of payment, with their passengers.
 */
async function lockQueue(em: Em, ids: number[]): Promise<Waiting[]> {
  await query(em, `select id from bookings where id = any(?) order by id for update`, [ids]);
  const rows = await query<{
    id: string;
    pnr: string;
    user_id: string;
    status: 'rac' | 'waitlisted';
    from_seq: number;
    to_seq: number;
    passenger_ids: string[];
    prefs: (string | null)[];
  }>(
    em,
    `select b.id, b.pnr, b.user_id, b.status, b.from_seq, b.to_seq,
            array_agg(p.id order by p.position)::text[] as passenger_ids,
            array_agg(p.berth_preference order by p.position) as prefs
       from bookings b join booking_passengers p on p.booking_id = b.id
      where b.id = any(?) and b.status in ('rac', 'waitlisted')
      group by b.id
      order by b.status = 'waitlisted', b.queue_ticket`,
    [ids],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    pnr: r.pnr,
    userId: Number(r.user_id),
    status: r.status,
    stops: { from: r.from_seq, to: r.to_seq },
    passengerIds: r.passenger_ids.map(Number),
    prefs: r.prefs.map((p) => p ?? 'NONE'),
  }));
}

/** Gives up a RAC party's halves (none for a waitlisted party); answers what it gave. */
async function leaveSeats(em: Em, bookingId: number): Promise<PlaceOnSeat[]> {
  const rows = await query<{ seat_id: string; part: string }>(
    em,
    `update booking_seats set active = false where booking_id = ? and active
     returning seat_id, part::text as part`,
    [bookingId],
  );
  return rows.map((r) => ({ seatId: Number(r.seat_id), part: r.part as PlaceOnSeat['part'] }));
}

/** Seats each passenger of a party on their place (passenger i on place i). */
async function seatParty(em: Em, b: Waiting, places: readonly PlaceOnSeat[]): Promise<void> {
  const bindings: unknown[] = [];
  const values = places.map((p, i) => {
    bindings.push(b.id, p.seatId, b.stops.from, b.stops.to, p.part, b.passengerIds[i]);
    return '(?, ?, int4range(?, ?), ?::int4range, ?)';
  });
  const inserted = await query<{ seat_id: string }>(
    em,
    `insert into booking_seats (booking_id, seat_id, stops, part, passenger_id)
     values ${values.join(', ')} on conflict do nothing returning seat_id`,
    bindings,
  );
  // The seats are locked and were re-read: a shortfall is a broken invariant, not a race.
  if (inserted.length < places.length) throw new Error(`promotion of ${b.id} lost a locked seat`);
}

/**
 * The reaction to `seats.freed`: promotes in every (run, class) whose seats this transaction
 * freed, when it holds that class's promotion lock: taken before the seats by a change that saw
 * the queue, or else tried for now with `pg_try_advisory_xact_lock` (the sweeper, a hold's lazy
 * expiry, a change that met the queue only after its seat locks). Trying never waits, so taking
 * the lock after seat rows cannot deadlock; when someone else holds it, the promotion job
 * serves the class instead.
 */
export async function promoteOnFreed(
  em: Em,
  events: { runId: number; classCode: string }[],
): Promise<void> {
  const classes = new Map(events.map((e) => [`${e.runId}|${e.classCode}`, e]));
  for (const { runId, classCode } of classes.values()) {
    const mayPromote =
      holdsPromotion(em, runId, classCode) ||
      ((await hasQueue(em, runId, classCode)) && (await tryPromotion(em, runId, classCode)));
    if (mayPromote) await promote(em, runId, classCode);
  }
}

/** Whether anyone waits (RAC or waitlisted) in (run, class). */
async function hasQueue(em: Em, runId: number, classCode: string): Promise<boolean> {
  const [row] = await query<{ queued: boolean }>(
    em,
    `select exists (select 1 from bookings where run_id = ? and class_code = ?
                      and status in ('rac', 'waitlisted')) as queued`,
    [runId, classCode],
  );
  return row?.queued ?? false;
}
