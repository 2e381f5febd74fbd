import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BOOKING_STATUSES } from '@berth/shared';
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
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    /** Its passengers and seats, in the order they were booked. */
    seats: () => p.oneToMany(BookingSeat).mappedBy('booking').orderBy({ id: 'asc' }),
  },
});
export type Booking = InferEntity<typeof Booking>;

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
    passengerName: p.text(),
    passengerAge: p.integer(),
    berthPreference: p.text().nullable(),
  },
});
export type BookingSeat = InferEntity<typeof BookingSeat>;
