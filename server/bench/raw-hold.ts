import { rooms, seatLabel, standingLabel, type BookingView, type SeatDelta } from '@berth/shared';
import type pg from 'pg';
import { numbered } from '../src/common/sql.ts';
import { BUMP_SEATS as ENGINE_BUMP_SEATS } from '../src/modules/booking/seat-changes.ts';
import {
  SEAT_OVERLAP as ENGINE_SEAT_OVERLAP,
  USER_JOURNEY,
} from '../src/modules/booking/seats.repository.ts';
import { QUEUE_ON_SEGMENT as ENGINE_QUEUE_ON_SEGMENT } from '../src/modules/waitlist/queue-numbers.ts';
import { RUN_TAKES_BOOKINGS as ENGINE_RUN_TAKES_BOOKINGS } from '../src/modules/catalog/runs.repository.ts';
import { newPnr } from '../src/modules/booking/pnr.ts';
import { requestHash } from '../src/modules/idempotency/idempotency.ts';
import { benchStationName, type BenchFixture } from './bench-db.ts';

/*
 * The baseline: a hold of one fresh seat as one statement per step, the engine's stepwise path
 * (`holdTx` in hold.service.ts, which the engine takes when lapsed holds sit on the seats; the
 * hot path sends the same steps as one function, hold-function.ts), copied from
 * hold.service.ts, idempotency.ts and transition-writer.ts with `?` written as `$n` (the seat
 * overlap and the bump are the engine's own texts, numbered). Parameters are left untyped, as the engine sends them, so PostgreSQL infers bigint from
 * the bigint columns exactly as it does for the engine.
 */
export const CLAIM_KEY = `insert into idempotency_keys (user_id, key, operation, request_hash)
     values ($1, $2, $3, $4) on conflict do nothing returning 1`;
export const RUN_TAKES_BOOKINGS = numbered(ENGINE_RUN_TAKES_BOOKINGS);
export const QUEUE_ON_SEGMENT = numbered(ENGINE_QUEUE_ON_SEGMENT);
export const LOCK_USER = `select id from users where id = $1 for no key update`;
export const JOURNEY_OVERLAP = `select b.pnr from bookings b
      where b.user_id = $1 and ${USER_JOURNEY} and b.journey && tstzrange($2, $3) limit 1`;
export const LOCK_SEATS = `select id from seats where id = any($1) order by id for update`;
export const SEAT_OVERLAP = numbered(ENGINE_SEAT_OVERLAP);
export const INSERT_BOOKING = `insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, journey,
                           expires_at, hold_until, fare_paise, idempotency_key)
     values ($1, $2, $3, $4, $5, $6, 'held', tstzrange($7, $8),
             now() + make_interval(secs => $9), now() + make_interval(secs => $10), $11, $12)
     returning id, expires_at, created_at`;
/** The passenger and their seat row in one statement, as the engine's insertParty writes them. */
export const INSERT_BOOKING_SEAT = `with party as (
       insert into booking_passengers (booking_id, position, name, age, gender, berth_preference)
       values ($1, 0, $5, $6, null, $7) returning id)
     insert into booking_seats (booking_id, seat_id, stops, part, passenger_id)
     select $1, $2, int4range($3, $4), '[0,2)', party.id from party
     on conflict do nothing returning seat_id`;
export const BUMP_SEATS = numbered(ENGINE_BUMP_SEATS);
export const RECORD_TRANSITIONS = `with audited as (insert into audit_log (actor, actor_user_id, action, booking_id, before, after)
                       values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)) insert into outbox (event, room, payload) values ($7, $8, $9::jsonb), ($10, $11, $12::jsonb)`;
export const COMPLETE_KEY = `update idempotency_keys set status = 'completed', response = $1::jsonb where user_id = $2 and key = $3`;

/** The raw path's round trips, in order: BEGIN, the twelve statements above, COMMIT. */
export const RAW_STATEMENTS = [
  'BEGIN',
  CLAIM_KEY,
  RUN_TAKES_BOOKINGS,
  QUEUE_ON_SEGMENT,
  LOCK_USER,
  JOURNEY_OVERLAP,
  LOCK_SEATS,
  SEAT_OVERLAP,
  INSERT_BOOKING,
  INSERT_BOOKING_SEAT,
  BUMP_SEATS,
  COMPLETE_KEY,
  RECORD_TRANSITIONS,
  'COMMIT',
];
export const RAW_STATEMENTS_PER_HOLD = RAW_STATEMENTS.length;

/** The hold request both paths make: one seat, whole route, one passenger. */
export function holdRequest(f: BenchFixture, seatId: number, idempotencyKey: string) {
  return {
    runId: f.runId,
    from: f.from,
    to: f.to,
    seatIds: [seatId],
    passengers: [{ name: 'Passenger 1', age: 30 }],
    idempotencyKey,
  };
}

/**
 * One hold of a fresh seat by a fresh user, statement for statement what the engine's hold
 * transaction sends, with the same parameters and payloads; anything but success is a bug here.
 */
export async function rawHold(
  pool: pg.Pool,
  f: BenchFixture,
  userId: number,
  seatId: number,
  key: string,
  holdSeconds: number,
): Promise<void> {
  const req = holdRequest(f, seatId, key);
  const hash = requestHash('hold', req);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const claimed = await client.query(CLAIM_KEY, [userId, key, 'hold', hash]);
    if (claimed.rowCount !== 1) throw new Error(`raw hold: key ${key} already claimed`);
    const open = await client.query(RUN_TAKES_BOOKINGS, [f.runId]);
    if (open.rows.length !== 1) throw new Error(`raw hold: run ${f.runId} takes no bookings`);
    const queue = await client.query<{ queued: boolean }>(QUEUE_ON_SEGMENT, [
      f.runId,
      f.classCode,
      f.toSeq,
      f.fromSeq,
    ]);
    if (queue.rows[0]?.queued) throw new Error(`raw hold: people wait for class ${f.classCode}`);
    await client.query(LOCK_USER, [userId]);
    const clash = await client.query(JOURNEY_OVERLAP, [userId, f.journey[0], f.journey[1]]);
    if (clash.rows.length > 0)
      throw new Error(`raw hold: user ${userId} has an overlapping journey`);
    await client.query(LOCK_SEATS, [[seatId]]);
    const overlaps = await client.query(SEAT_OVERLAP, [[seatId], f.fromSeq, f.toSeq]);
    if (overlaps.rows.length > 0) throw new Error(`raw hold: seat ${seatId} is taken`);
    const pnr = newPnr();
    const booking = await client.query<{ id: string; expires_at: Date; created_at: Date }>(
      INSERT_BOOKING,
      [
        pnr,
        userId,
        f.runId,
        f.fromSeq,
        f.toSeq,
        f.classCode,
        f.journey[0],
        f.journey[1],
        holdSeconds,
        holdSeconds,
        f.farePaise,
        key,
      ],
    );
    const row = booking.rows[0]!;
    const bookingId = Number(row.id);
    const passenger = req.passengers[0]!;
    await client.query(INSERT_BOOKING_SEAT, [
      bookingId,
      seatId,
      f.fromSeq,
      f.toSeq,
      passenger.name,
      passenger.age,
      null,
    ]);
    const view = bookingView(f, bookingId, pnr, seatId, row.expires_at, row.created_at);
    const bumped = await client.query<{
      id: string;
      version: string;
      from_seq: number | null;
      to_seq: number | null;
      status: string | null;
    }>(BUMP_SEATS, [[seatId]]);
    const deltas: SeatDelta[] = [];
    for (const r of bumped.rows) {
      const delta: SeatDelta = { seatId: Number(r.id), version: Number(r.version), occupancy: [] };
      if (r.status && r.from_seq !== null && r.to_seq !== null) {
        delta.occupancy.push({
          from: r.from_seq,
          to: r.to_seq,
          state: r.status === 'confirmed' ? 'booked' : 'held',
        });
      }
      deltas.push(delta);
    }
    await client.query(COMPLETE_KEY, [JSON.stringify({ ok: true, data: view }), userId, key]);
    // The events' flush, last before the commit, as the engine's.
    await client.query(RECORD_TRANSITIONS, [
      `user:${userId}`,
      userId,
      'HOLD',
      bookingId,
      null,
      JSON.stringify({ status: 'held' }),
      'seats:changed',
      rooms.run(f.runId),
      JSON.stringify({ runId: f.runId, seats: deltas }),
      'booking:updated',
      rooms.user(userId),
      JSON.stringify(heldPush(bookingId, pnr)),
    ]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    throw err;
  }
}

/** The hold's `booking:updated` push, as the engine writes it. */
export const heldPush = (bookingId: number, pnr: string) => ({
  bookingId,
  pnr,
  status: 'held' as const,
});

/** The same view the engine returns, stored under the key and announced to the user. */
export function bookingView(
  f: BenchFixture,
  id: number,
  pnr: string,
  seatId: number,
  expiresAt: Date,
  createdAt: Date,
): BookingView {
  const number = seatId - f.seatIds[0]! + 1;
  const berth = 'LB';
  return {
    id,
    pnr,
    runId: f.runId,
    trainNumber: f.trainNumber,
    trainName: f.trainName,
    serviceDate: f.serviceDate,
    from: {
      seq: f.fromSeq,
      code: f.from,
      name: benchStationName(f.from),
      departsAt: f.journey[0].toISOString(),
    },
    to: {
      seq: f.toSeq,
      code: f.to,
      name: benchStationName(f.to),
      arrivesAt: f.journey[1].toISOString(),
    },
    classCode: f.classCode,
    status: 'held',
    place: 'berth',
    passengers: [
      {
        name: 'Passenger 1',
        age: 30,
        gender: null,
        berthPreference: null,
        standing: standingLabel('held', 'berth', { coach: 'S1', number, berth }, null),
        seat: { coach: 'S1', number, berth },
      },
    ],
    expiresAt: new Date(expiresAt).toISOString(),
    serverNow: new Date().toISOString(),
    farePaise: f.farePaise,
    seats: [
      {
        seatId,
        coach: 'S1',
        number,
        berth,
        label: seatLabel('S1', number, berth),
        passengerName: 'Passenger 1',
        passengerAge: 30,
        berthPreference: null,
      },
    ],
    refund: null,
    payment: null,
    createdAt: new Date(createdAt).toISOString(),
  };
}
