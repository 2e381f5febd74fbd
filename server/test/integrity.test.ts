import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../src/db/orm.ts';
import { checkIntegrity, countSegments } from '../src/integrity/checker.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUsers,
  holdInput,
  key,
  localDate,
  type TestRun,
} from './support/fixtures.ts';

/**
 * The checker must find what it claims to check: each case builds clean data through the engine,
 * breaks one invariant by hand, and expects exactly that check to fire.
 */
describe('the integrity checker', () => {
  let db: TestDb;
  let orm: Awaited<ReturnType<typeof createOrm>>;
  let run: TestRun;
  let bookings: { held: number; confirmed: number; cancelled: number; heldSeat: number };

  beforeAll(async () => {
    db = await createTestDb();
    orm = await createOrm({ url: db.url, poolMax: 2 });
    const engine = await db.engine({ config: { GATEWAY_LATENCY_MS: 5 } });
    run = await createTestRun(db.pool, { stops: 4, seatsPerClass: 6 });
    const users = await createUsers(db.pool, 3);
    const held = await engine.hold(users[0]!, holdInput(run, [run.seats.SL![0]!], 0, 2));
    const paid = await engine.hold(users[1]!, holdInput(run, [run.seats.SL![1]!], 1, 3));
    await engine.pay(users[1]!, { bookingId: paid.id, idempotencyKey: key('pay') });
    const cancelled = await engine.hold(users[2]!, holdInput(run, [run.seats.CC![0]!]));
    await engine.pay(users[2]!, { bookingId: cancelled.id, idempotencyKey: key('pay') });
    await engine.cancel(users[2]!, { bookingId: cancelled.id, idempotencyKey: key('cancel') });
    bookings = {
      held: held.id,
      confirmed: paid.id,
      cancelled: cancelled.id,
      heldSeat: run.seats.SL![0]!,
    };
  });
  afterAll(async () => {
    await orm.close(true);
    await db.close();
  });

  const firing = async (options = {}) => {
    const report = await checkIntegrity(orm.em.fork(), options);
    return [...new Set(report.violations.map((v) => v.check))].sort();
  };

  /** Runs `sabotage`, expects exactly `checks` to fire, then `repair`s and expects silence again. */
  async function expectCaught(checks: string[], sabotage: string[], repair: string[]) {
    await db.pool.query('alter table audit_log disable trigger audit_log_no_change');
    let fired: string[];
    try {
      for (const sql of sabotage) await db.pool.query(sql);
      fired = await firing();
    } finally {
      for (const sql of repair) await db.pool.query(sql);
      await db.pool.query('alter table audit_log enable trigger audit_log_no_change');
    }
    expect(fired).toEqual([...checks].sort());
    expect(await firing()).toEqual([]);
  }

  it('finds nothing wrong in data the engine wrote', async () => {
    expect(await firing()).toEqual([]);
  });

  it('invariant 1: a seat sold twice on overlapping segments (constraint dropped)', async () => {
    await db.pool.query('alter table booking_seats drop constraint booking_seats_no_overlap');
    try {
      await expectCaught(
        // The second row also outnumbers the seat's version (no hold bumped it), and seats its
        // passenger twice.
        ['overlapping-active-seats', 'seat-version-behind', 'live-booking-seats'],
        [
          `insert into booking_seats (booking_id, seat_id, stops, passenger_id)
           select ${bookings.confirmed}, ${bookings.heldSeat}, '[1,3)', id
             from booking_passengers where booking_id = ${bookings.confirmed} limit 1`,
        ],
        [
          `delete from booking_seats where booking_id = ${bookings.confirmed} and seat_id = ${bookings.heldSeat}`,
        ],
      );
    } finally {
      await db.pool.query(
        `alter table booking_seats add constraint booking_seats_no_overlap
           exclude using gist (seat_id with =, part with &&, stops with &&) where (active)`,
      );
    }
  });

  it('invariant 1: an ended booking that still holds its seat', async () => {
    await expectCaught(
      ['ended-booking-seats'],
      [`update booking_seats set active = true where booking_id = ${bookings.cancelled}`],
      [`update booking_seats set active = false where booking_id = ${bookings.cancelled}`],
    );
  });

  it('invariant 2: a state change without its outbox row, or without its audit row', async () => {
    await expectCaught(
      ['audit-without-outbox'],
      [
        `insert into audit_log (actor, action, booking_id, after) values ('SYSTEM', 'NOTE', ${bookings.held}, '{}')`,
      ],
      [`delete from audit_log where action = 'NOTE'`],
    );
    await expectCaught(
      ['audit-status-mismatch'],
      [
        `update bookings set status = 'released' where id = ${bookings.held}`,
        `update booking_seats set active = false where booking_id = ${bookings.held}`,
      ],
      [
        `update bookings set status = 'held' where id = ${bookings.held}`,
        `update booking_seats set active = true where booking_id = ${bookings.held}`,
      ],
    );
  });

  it('invariant 3: two bookings under one idempotency key; a confirmed booking nobody paid for', async () => {
    await db.pool.query(
      'alter table bookings drop constraint bookings_user_id_idempotency_key_key',
    );
    try {
      await expectCaught(
        // The twin is also a held booking without seats, and the key's stored result names only one.
        ['duplicate-booking-key', 'live-booking-seats', 'booking-without-hold-key'],
        [
          `insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, journey, expires_at, hold_until, fare_paise, idempotency_key)
           select 'DUPDUPDUP2', user_id, run_id, from_seq, to_seq, class_code, 'released', journey, expires_at, hold_until, fare_paise, idempotency_key
             from bookings where id = ${bookings.held}`,
          `update bookings set status = 'held' where pnr = 'DUPDUPDUP2'`,
        ],
        [`delete from bookings where pnr = 'DUPDUPDUP2'`],
      );
    } finally {
      await db.pool.query(
        'alter table bookings add constraint bookings_user_id_idempotency_key_key unique (user_id, idempotency_key)',
      );
    }
    await expectCaught(
      // The gateway did take that money, so it is also a charge nobody refunded.
      ['confirmed-without-payment', 'charge-not-refunded'],
      [`update payments set status = 'failed' where booking_id = ${bookings.confirmed}`],
      [`update payments set status = 'succeeded' where booking_id = ${bookings.confirmed}`],
    );
  });

  it('invariant 4: a lapsed hold the sweeper never freed, when a sweeper should be running', async () => {
    await db.pool.query(
      `update bookings set expires_at = now() - interval '1 minute', hold_until = now() - interval '1 minute' where id = $1`,
      [bookings.held],
    );
    expect(await firing()).toEqual([]);
    expect(await firing({ sweeperRunning: true })).toEqual(['lapsed-hold-not-swept']);
    await db.pool.query(
      `update bookings set expires_at = now() + interval '5 minutes', hold_until = now() + interval '5 minutes' where id = $1`,
      [bookings.held],
    );
  });

  it('invariant 8: per-segment counts agree with the engine search and seat map', async () => {
    const engine = await db.engine();
    const counts = await countSegments(orm.em.fork());
    const legs = counts.filter((c) => c.runId === run.runId && c.toSeq === c.fromSeq + 1);
    expect(legs.length).toBe(2 * (run.stops.length - 1));
    for (const leg of legs) {
      expect(leg.booked + leg.rac + leg.held + leg.free).toBe(leg.capacity);
      const map = await engine.seatMap(null, {
        runId: run.runId,
        from: run.stops[leg.fromSeq],
        to: run.stops[leg.toSeq],
      });
      const seats = map.seats.filter((s) => s.classCode === leg.classCode);
      expect(
        [leg.booked, leg.held, leg.free],
        `${leg.classCode} ${leg.fromSeq}->${leg.toSeq}`,
      ).toEqual([
        seats.filter((s) => s.state === 'booked').length,
        seats.filter((s) => s.state === 'held').length,
        seats.filter((s) => s.state === 'free').length,
      ]);
      const search = await engine.search({
        from: run.stops[leg.fromSeq],
        to: run.stops[leg.toSeq],
        date: localDate(new Date(run.departsAt.getTime() + (leg.fromSeq * 60 + 5) * 60_000)),
      });
      expect(
        search
          .find((r) => r.runId === run.runId)!
          .classes.find((c) => c.classCode === leg.classCode)!.free,
      ).toBe(leg.free);
    }
  });

  it('the audit log refuses updates and deletes', async () => {
    await expect(db.pool.query(`update audit_log set action = 'X'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`delete from audit_log`)).rejects.toThrow(/append-only/);
    await sleep(0);
  });
});
