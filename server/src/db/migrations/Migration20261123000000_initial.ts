import { Migration } from '@mikro-orm/migrations';

/**
 * The whole booking schema. Written as SQL because its heart (range columns, the GiST exclusion
 * constraint, partial indexes, the append-only trigger) is beyond what entity metadata can express.
 */
export class Migration20261123000000_initial extends Migration {
  override up(): void {
    this.addSql(`create extension if not exists btree_gist;`);

    this.addSql(`
      create table users (
        id bigserial primary key,
        email text not null unique,
        name text not null,
        password_hash text not null,
        role text not null default 'user' check (role in ('user', 'admin')),
        created_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table stations (
        id serial primary key,
        code text not null unique,
        name text not null,
        city text not null
      );`);

    this.addSql(`
      create table travel_classes (
        code text primary key,
        name text not null,
        base_fare_paise integer not null check (base_fare_paise >= 0),
        per_km_paise integer not null check (per_km_paise >= 0),
        sort_order integer not null default 0
      );`);

    this.addSql(`
      create table trains (
        id serial primary key,
        number text not null unique,
        name text not null
      );`);

    this.addSql(`
      create table train_stops (
        id serial primary key,
        train_id integer not null references trains (id),
        seq integer not null check (seq >= 0),
        station_id integer not null references stations (id),
        arrival_offset_min integer,
        departure_offset_min integer,
        km integer not null check (km >= 0),
        unique (train_id, seq),
        unique (train_id, station_id)
      );`);
    this.addSql(`create index train_stops_station_idx on train_stops (station_id);`);

    this.addSql(`
      create table coaches (
        id serial primary key,
        train_id integer not null references trains (id),
        code text not null,
        class_code text not null references travel_classes (code),
        layout text not null,
        position integer not null,
        unique (train_id, code)
      );`);

    this.addSql(`
      create table runs (
        id serial primary key,
        train_id integer not null references trains (id),
        service_date date not null,
        departs_at timestamptz not null,
        status text not null default 'scheduled'
          check (status in ('scheduled', 'charted', 'departed', 'cancelled')),
        demo boolean not null default false,
        unique (train_id, service_date)
      );`);
    this.addSql(`create index runs_departs_at_idx on runs (departs_at);`);

    // One row per run x seat, created with the run: always there, so always lockable.
    this.addSql(`
      create table seats (
        id bigserial primary key,
        run_id integer not null references runs (id),
        coach_id integer not null references coaches (id),
        number integer not null,
        berth text not null,
        class_code text not null references travel_classes (code),
        version bigint not null default 0,
        unique (run_id, coach_id, number)
      );`);
    this.addSql(`create index seats_run_class_idx on seats (run_id, class_code);`);

    this.addSql(`
      create table bookings (
        id bigserial primary key,
        pnr char(10) not null unique,
        user_id bigint not null references users (id),
        run_id integer not null references runs (id),
        from_seq integer not null,
        to_seq integer not null,
        class_code text not null references travel_classes (code),
        status text not null check (status in
          ('held', 'paying', 'confirmed', 'expired', 'released', 'cancelled')),
        journey tstzrange not null,
        expires_at timestamptz not null,
        -- Until when a live booking keeps its seats: expires_at while held, expires_at plus the
        -- gateway timeout while paying. Every "has this hold lapsed?" test reads this column.
        hold_until timestamptz not null,
        fare_paise integer not null check (fare_paise >= 0),
        idempotency_key text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (from_seq < to_seq),
        unique (user_id, idempotency_key)
      );`);
    // The hold's journey-overlap check and "my bookings" both start from the user's active rows.
    this.addSql(`
      create index bookings_user_active_idx on bookings using gist (user_id, journey)
        where status in ('held', 'paying', 'confirmed');`);
    this.addSql(`create index bookings_user_created_idx on bookings (user_id, created_at desc);`);
    this.addSql(`create index bookings_run_idx on bookings (run_id);`);
    // The sweeper scans only live holds, oldest first.
    this.addSql(`
      create index bookings_live_hold_until_idx on bookings (hold_until)
        where status in ('held', 'paying');`);

    this.addSql(`
      create table booking_seats (
        id bigserial primary key,
        booking_id bigint not null references bookings (id),
        seat_id bigint not null references seats (id),
        stops int4range not null,
        part int4range not null default '[0,2)',
        active boolean not null default true,
        passenger_name text not null,
        passenger_age integer not null check (passenger_age between 0 and 125),
        berth_preference text,
        constraint booking_seats_no_overlap exclude using gist
          (seat_id with =, part with &&, stops with &&) where (active)
      );`);
    this.addSql(`create index booking_seats_booking_idx on booking_seats (booking_id);`);
    // The hold's overlap check looks up the few active rows of the seats it locked.
    this.addSql(
      `create index booking_seats_seat_active_idx on booking_seats (seat_id) where active;`,
    );

    this.addSql(`
      create table payments (
        id bigserial primary key,
        booking_id bigint not null references bookings (id),
        user_id bigint not null references users (id),
        idempotency_key text not null,
        amount_paise integer not null check (amount_paise >= 0),
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        gateway_ref text,
        failure_reason text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (user_id, idempotency_key)
      );`);
    this.addSql(`create index payments_booking_idx on payments (booking_id);`);
    this.addSql(
      `create index payments_pending_idx on payments (created_at) where status = 'pending';`,
    );

    this.addSql(`
      create table refunds (
        id bigserial primary key,
        booking_id bigint not null references bookings (id),
        payment_id bigint not null unique references payments (id),
        amount_paise integer not null check (amount_paise >= 0),
        reason text not null,
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        gateway_ref text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(
      `create index refunds_pending_idx on refunds (created_at) where status = 'pending';`,
    );

    this.addSql(`
      create table idempotency_keys (
        user_id bigint not null references users (id),
        key text not null,
        operation text not null,
        request_hash text not null,
        status text not null default 'in_progress' check (status in ('in_progress', 'completed')),
        response jsonb,
        created_at timestamptz not null default now(),
        primary key (user_id, key)
      );`);

    // Audit and outbox rows carry the id of the transaction that wrote them, so the integrity
    // checker can prove each state change wrote both in one transaction.
    this.addSql(`
      create table audit_log (
        id bigserial primary key,
        at timestamptz not null default now(),
        xid xid8 not null default pg_current_xact_id(),
        actor text not null,
        actor_user_id bigint references users (id),
        action text not null,
        booking_id bigint references bookings (id),
        before jsonb,
        after jsonb
      );`);
    this.addSql(`create index audit_log_booking_idx on audit_log (booking_id, id);`);
    this.addSql(`create index audit_log_action_idx on audit_log (action, id);`);
    this.addSql(`
      create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only';
      end $$;`);
    this.addSql(`
      create trigger audit_log_no_change before update or delete on audit_log
        for each row execute function audit_log_append_only();`);

    this.addSql(`
      create table outbox (
        id bigserial primary key,
        xid xid8 not null default pg_current_xact_id(),
        event text not null,
        room text not null,
        payload jsonb not null,
        -- clock_timestamp(), not now(): written last in its transaction, it is the commit time
        -- to within a statement, which is what fan-out latency is measured from.
        created_at timestamptz not null default clock_timestamp(),
        published_at timestamptz
      );`);
    this.addSql(`create index outbox_unpublished_idx on outbox (id) where published_at is null;`);

    // The simulated payment gateway's own durable ledger: outside the booking transactions.
    this.addSql(`
      create table gateway_charges (
        idempotency_key text primary key,
        kind text not null check (kind in ('charge', 'refund')),
        amount_paise integer not null,
        status text not null check (status in ('succeeded', 'declined', 'voided')),
        reference text not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table gateway_settings (
        id integer primary key default 1 check (id = 1),
        failure_rate double precision not null default 0 check (failure_rate between 0 and 1),
        latency_ms integer not null default 150 check (latency_ms >= 0),
        timeout_ms integer not null default 5000 check (timeout_ms > 0),
        updated_at timestamptz not null default now()
      );`);
  }
}
