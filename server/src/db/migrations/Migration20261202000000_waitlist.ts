import { Migration } from '@mikro-orm/migrations';

/**
 * RAC and the waitlist. Passengers move to a table of their own, because a waitlisted passenger
 * has no seat row to carry a name; a seat row now points at its passenger. A booking records the
 * kind of place it asked for (a whole berth, a RAC half, a waitlist place) and, once paid into RAC
 * or the waitlist, a ticket from one sequence: RAC and WL numbers are ranks by that ticket, so
 * they are in order of payment and never need renumbering when someone ahead leaves. A seat says
 * whether it is a RAC berth (a side lower shared by two RAC passengers, never sold whole).
 */
export class Migration20261202000000_waitlist extends Migration {
  override up(): void {
    // The hold function gains a genders argument: the old signature would linger as an overload
    // (db/routines.ts installs the new one after the migrations).
    this.addSql(`
      drop function if exists berth_hold(bigint, text, text, integer, integer, integer, text,
        timestamptz, timestamptz, integer, integer, text, bigint[], text[], integer[], text[], boolean);`);
    this.addSql(`
      create table booking_passengers (
        id bigserial primary key,
        booking_id bigint not null references bookings (id),
        position smallint not null check (position >= 0),
        name text not null,
        age integer not null check (age between 0 and 125),
        gender text check (gender in ('F', 'M', 'X')),
        berth_preference text,
        unique (booking_id, position)
      );`);
    this.addSql(`
      insert into booking_passengers (booking_id, position, name, age, berth_preference)
      select booking_id, row_number() over (partition by booking_id order by id) - 1,
             passenger_name, passenger_age, berth_preference
        from booking_seats;`);
    this.addSql(
      `alter table booking_seats add column passenger_id bigint references booking_passengers (id);`,
    );
    this.addSql(`
      update booking_seats bs set passenger_id = p.id
        from (select id, booking_id, row_number() over (partition by booking_id order by id) - 1 as position
                from booking_seats) numbered
        join booking_passengers p on p.booking_id = numbered.booking_id and p.position = numbered.position
       where bs.id = numbered.id;`);
    this.addSql(`alter table booking_seats alter column passenger_id set not null;`);
    this.addSql(`
      alter table booking_seats
        drop column passenger_name, drop column passenger_age, drop column berth_preference;`);
    this.addSql(`create index booking_seats_passenger_idx on booking_seats (passenger_id);`);

    this.addSql(`alter table bookings drop constraint bookings_status_check;`);
    this.addSql(`
      alter table bookings add constraint bookings_status_check check (status in
        ('held', 'paying', 'confirmed', 'rac', 'waitlisted', 'expired', 'released', 'cancelled'));`);
    this.addSql(`
      alter table bookings
        add column place text not null default 'berth' check (place in ('berth', 'rac', 'waitlist')),
        add column queue_ticket bigint;`);
    this.addSql(`create sequence booking_queue_tickets;`);
    // Who waits, per run and class, in order of payment: promotion and the RAC and WL numbers.
    this.addSql(`
      create index bookings_queue_idx on bookings (run_id, class_code, queue_ticket)
        where status in ('rac', 'waitlisted');`);
    // A journey-overlap check also sees RAC and waitlisted journeys.
    this.addSql(`drop index bookings_user_active_idx;`);
    this.addSql(`
      create index bookings_user_active_idx on bookings using gist (user_id, journey)
        where status in ('held', 'paying', 'confirmed', 'rac', 'waitlisted');`);

    this.addSql(`alter table seats add column rac boolean not null default false;`);
  }
}
