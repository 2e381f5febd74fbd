import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BOOKING_STATUSES, GENDERS, PLACE_KINDS } from '@berth/shared';
import { User } from '../auth/user.entity.ts';
import { Run, Seat, TravelClass } from '../catalog/catalog.entities.ts';

export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'bookings',
  properties: {
    id: p.bigint('number').primary(),
    pnr: p.character().length(10).unique(),
    user: () => p.manyToOne(User),
    run: () => p.manyToOne(Run),
    fromSeq: p.integer(),
    toSeq: p.integer(),
    travelClass: () => p.manyToOne(TravelClass).fieldName('class_code'),
    status: p.enum([...BOOKING_STATUSES]),
    /** Time range of the passenger's journey (tstzrange), for the journey-overlap rule. */
    journey: p.text().columnType('tstzrange'),
    expiresAt: p.datetime(),
    /** Seats stay taken until then: expiresAt while held, plus the gateway timeout while paying. */
    holdUntil: p.datetime(),
    farePaise: p.integer(),
    /** When the holder was told the hold expires in a minute. */
    expiryWarnedAt: p.datetime().nullable(),
    idempotencyKey: p.text(),
    /** What the booking asked for: whole berths (a hold or a request), RAC halves, waitlist places. */
    place: p.enum([...PLACE_KINDS]).default('berth'),
    /** Drawn when paid into RAC or the waitlist: RAC and WL numbers rank by it (order of payment). */
    queueTicket: p.bigint('number').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    /** Its passengers, in the order they were named. */
    passengers: () =>
      p.oneToMany(BookingPassenger).mappedBy('booking').orderBy({ position: 'asc' }),
    /** Its seats, in the order they were booked (none while waitlisted). */
    seats: () => p.oneToMany(BookingSeat).mappedBy('booking').orderBy({ id: 'asc' }),
  },
});
export type Booking = InferEntity<typeof Booking>;

/** One traveller of a booking. A waitlisted passenger has no seat row; the others have one each. */
export const BookingPassenger = defineEntity({
  name: 'BookingPassenger',
  tableName: 'booking_passengers',
  properties: {
    id: p.bigint('number').primary(),
    booking: () => p.manyToOne(Booking),
    /** Place in the party, from 0, as the request listed them. */
    position: p.smallint(),
    name: p.text(),
    age: p.integer(),
    gender: p.enum([...GENDERS]).nullable(),
    berthPreference: p.text().nullable(),
  },
});
export type BookingPassenger = InferEntity<typeof BookingPassenger>;

/** A seat taken by a booking for a range of stops and a part of the berth. */
export const BookingSeat = defineEntity({
  name: 'BookingSeat',
  tableName: 'booking_seats',
  properties: {
    id: p.bigint('number').primary(),
    booking: () => p.manyToOne(Booking),
    seat: () => p.manyToOne(Seat),
    stops: p.text().columnType('int4range'),
    part: p.text().columnType('int4range').defaultRaw(`'[0,2)'`),
    active: p.boolean().default(true),
    passenger: () => p.manyToOne(BookingPassenger),
  },
});
export type BookingSeat = InferEntity<typeof BookingSeat>;
