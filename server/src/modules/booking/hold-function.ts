import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { PreparedHold } from './hold-prepare.ts';
import { BERTH_HALF, type BumpedRow } from './seat-changes.ts';
import { LAPSED, USER_JOURNEY } from './seats.repository.ts';
import { queuedOnSegment } from '../waitlist/queue-numbers.ts';

/**
 * The body of a hold as one SQL function: one round trip instead of eight. It takes the same locks
 * in the same order as the statements it replaces (the idempotency key, the user FOR NO KEY
 * UPDATE, the seats FOR UPDATE by ascending id), so the lock order and every test of it stand.
 * It never writes audit or outbox rows: those stay with the events' typed flush, the
 * transaction's last statement. It answers what happened as `kind`:
 * - `held`: the booking, its seats and the bumped seats' occupancy rows;
 * - `claimed`: the key was already there (a retry): nothing else was done;
 * - `closed`: the run no longer takes bookings (its status in the database);
 * - `queued`: RAC or waitlisted passengers wait for the class on the segment (WAITLIST_OPEN);
 * - `overlap`: the user has a journey then (`pnr`);
 * - `taken`: live bookings have these seats (`seatIds`), or the exclusion constraint turned
 *   them away (ON CONFLICT DO NOTHING inserted fewer);
 * - `lapsed`: unpaid holds past their time sit on the seats; the caller expires them first.
 * Any answer but `held`, `closed`, `queued` and `overlap` is rolled back by the caller.
 *
 * Its statements' plans are generic, made once per connection (`plan_cache_mode`): left to
 * choose, PL/pgSQL kept planning them afresh on every call, because a generic plan over
 * `p_seat_ids` (ten seats, it guesses) costs more than a custom one over the one seat a hold
 * usually has. That planning was half of the function's time: pgbench ran it at 1,290 holds/s on
 * 8 clients, 2,010 with generic plans. Generic plans are safe here because the seat lookups are
 * lateral probes by seat id (see bumpSeats in seat-changes.ts), good at any table size.
 *
 * Installed by `migrate` (db/routines.ts) from this text, with the occupancy predicates of
 * seats.repository.ts, so the function and the statements can never disagree on them.
 */
/** PostgreSQL's clock as ISO text with microseconds (the race demo orders locks by it). */
const ISO_US = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';
/** A SQLSTATE of Berth's own (a class PostgreSQL does not use): the seats are taken. */
const SEATS_TAKEN_STATE = 'BR001';

export const HOLD_FUNCTION = `
create or replace function berth_hold(
  p_user bigint, p_key text, p_request_hash text,
  p_run integer, p_from integer, p_to integer, p_class text,
  p_departs timestamptz, p_arrives timestamptz, p_hold_seconds integer, p_fare integer,
  p_pnr text, p_seat_ids bigint[], p_names text[], p_ages integer[], p_genders text[],
  p_prefs text[], p_lock_seats boolean
) returns jsonb language plpgsql
set plan_cache_mode = force_generic_plan as $fn$
declare
  v_clash text;
  v_wait_from timestamptz;
  v_locked_at timestamptz;
  v_unlocked_at timestamptz;
  v_taken bigint[];
  v_lapsed bigint[];
  v_booking record;
  v_inserted bigint[];
  v_bumped jsonb;
begin
  insert into idempotency_keys (user_id, key, operation, request_hash)
  values (p_user, p_key, 'hold', p_request_hash) on conflict do nothing;
  if not found then
    return jsonb_build_object('kind', 'claimed');
  end if;

  -- The run's status as the database has it, not as a node's route cache remembers it.
  perform 1 from runs where id = p_run and status = 'scheduled';
  if not found then
    return jsonb_build_object('kind', 'closed');
  end if;

  -- Seats freed where people wait go to them: nobody holds past the queue.
  if ${queuedOnSegment('p_run', 'p_class', 'p_from', 'p_to')} then
    return jsonb_build_object('kind', 'queued');
  end if;

  perform 1 from users where id = p_user for no key update;
  select b.pnr into v_clash from bookings b
   where b.user_id = p_user and ${USER_JOURNEY} and b.journey && tstzrange(p_departs, p_arrives) limit 1;
  if v_clash is not null then
    return jsonb_build_object('kind', 'overlap', 'pnr', v_clash);
  end if;

  -- The seat locks live in a block of their own, a subtransaction: a refusal rolls it back,
  -- which gives the locks back at once, so the next contender in the seat's queue goes on while
  -- this one is still answering (a loser never holds a seat through a commit or a round trip).
  begin
    v_wait_from := clock_timestamp();
    if p_lock_seats then
      perform 1 from seats where id = any(p_seat_ids) order by id for update;
    end if;
    v_locked_at := clock_timestamp();

    select coalesce(array_agg(distinct hit.seat_id) filter (where not hit.lapsed), '{}'),
           coalesce(array_agg(distinct hit.booking_id) filter (where hit.lapsed), '{}')
      into v_taken, v_lapsed
      from unnest(p_seat_ids) as wanted (seat_id)
      cross join lateral (
        select bs.seat_id, bs.booking_id, ${LAPSED} as lapsed
          from booking_seats bs join bookings b on b.id = bs.booking_id
         where bs.seat_id = wanted.seat_id and bs.active
           and bs.stops && int4range(p_from, p_to) and bs.part && '[0,2)'::int4range
        offset 0) as hit;
    if cardinality(v_taken) > 0 then
      -- Read before the locks go (as they go, the next contender may take them at once).
      v_unlocked_at := clock_timestamp();
      raise exception using errcode = '${SEATS_TAKEN_STATE}';
    end if;
  exception when sqlstate '${SEATS_TAKEN_STATE}' then
    -- Variables keep what the block set; only its locks and rows are undone. The locks went
    -- at v_unlocked_at, when this loser stopped holding them (the race demo's timeline).
    return jsonb_build_object('kind', 'taken', 'seatIds', to_jsonb(v_taken),
                              'lockedAt', to_char(v_locked_at at time zone 'UTC', '${ISO_US}'),
                              'unlockedAt', to_char(v_unlocked_at at time zone 'UTC', '${ISO_US}'));
  end;
  if cardinality(v_lapsed) > 0 then
    return jsonb_build_object('kind', 'lapsed');
  end if;

  insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, journey,
                        expires_at, hold_until, fare_paise, idempotency_key)
  values (p_pnr, p_user, p_run, p_from, p_to, p_class, 'held', tstzrange(p_departs, p_arrives),
          now() + make_interval(secs => p_hold_seconds), now() + make_interval(secs => p_hold_seconds),
          p_fare, p_key)
  returning id, expires_at, created_at into v_booking;

  -- Passenger i sits on seat i; positions count from 0.
  with party as (
    insert into booking_passengers (booking_id, position, name, age, gender, berth_preference)
    select v_booking.id, s.n - 1, s.name, s.age, s.gender, s.pref
      from unnest(p_names, p_ages, p_genders, p_prefs) with ordinality as s (name, age, gender, pref, n)
    returning id, position
  ), inserted as (
    insert into booking_seats (booking_id, seat_id, stops, passenger_id)
    select v_booking.id, s.seat_id, int4range(p_from, p_to), party.id
      from unnest(p_seat_ids) with ordinality as s (seat_id, n)
      join party on party.position = s.n - 1
    on conflict do nothing returning seat_id
  )
  select coalesce(array_agg(seat_id), '{}') into v_inserted from inserted;
  if cardinality(v_inserted) < cardinality(p_seat_ids) then
    return jsonb_build_object('kind', 'taken',
      'lockedAt', to_char(v_locked_at at time zone 'UTC', '${ISO_US}'), 'seatIds',
      to_jsonb(array(select unnest(p_seat_ids) except select unnest(v_inserted))));
  end if;

  with bumped as (
    update seats set version = version + 1 where id = any(p_seat_ids) returning id, run_id, version
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', bumped.id, 'run_id', bumped.run_id, 'version', bumped.version,
           'from_seq', lower(occ.stops), 'to_seq', upper(occ.stops), 'status', occ.status,
           'half', occ.half)
           order by bumped.id, lower(occ.stops)), '[]')
    into v_bumped
    from bumped
    left join lateral (
      select bs.stops, b.status, ${BERTH_HALF} as half
        from booking_seats bs join bookings b on b.id = bs.booking_id
       where bs.seat_id = bumped.id and bs.active
      offset 0) as occ on true;

  return jsonb_build_object(
    'kind', 'held', 'id', v_booking.id, 'expiresAt', v_booking.expires_at,
    'createdAt', v_booking.created_at, 'bumped', v_bumped,
    'lockedAt', to_char(v_locked_at at time zone 'UTC', '${ISO_US}'),
    'lockWaitMs', extract(epoch from v_locked_at - v_wait_from) * 1000);
end
$fn$`;

/** The statement the engine sends; pgbench sends the same (see bench/pgbench.ts). */
export const CALL_HOLD = `select berth_hold(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[], ?) as result`;

interface Locked {
  /** PostgreSQL's clock once the seat locks were had. */
  lockedAt: string;
}
export type HoldFunctionResult =
  | ({
      kind: 'held';
      id: number;
      expiresAt: string;
      createdAt: string;
      bumped: BumpedRow[];
    } & Locked & {
        lockWaitMs: number;
      })
  | { kind: 'claimed' }
  | { kind: 'closed' }
  | { kind: 'overlap'; pnr: string }
  | { kind: 'queued' }
  | ({
      kind: 'taken';
      seatIds: number[];
      /** When the function gave the seat locks back (absent: they go with the rollback). */
      unlockedAt?: string;
    } & Locked)
  | { kind: 'lapsed' };

/** Runs the body of a hold in one statement (see HOLD_FUNCTION). */
export async function holdInOneStatement(
  em: Em,
  userId: number,
  p: PreparedHold,
  pnr: string,
  holdSeconds: number,
  lockSeats: boolean,
): Promise<HoldFunctionResult> {
  const { req, segment } = p;
  const [row] = await query<{ result: HoldFunctionResult }>(em, CALL_HOLD, [
    userId,
    req.idempotencyKey,
    p.hash,
    req.runId,
    segment.from.seq,
    segment.to.seq,
    p.classCode,
    p.journey[0],
    p.journey[1],
    holdSeconds,
    p.farePaise,
    pnr,
    req.seatIds,
    req.passengers.map((x) => x.name),
    req.passengers.map((x) => x.age),
    req.passengers.map((x) => x.gender ?? null),
    req.passengers.map((x) => x.berthPreference ?? null),
    lockSeats,
  ]);
  return row!.result;
}
