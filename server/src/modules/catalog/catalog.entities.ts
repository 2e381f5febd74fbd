import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const Station = defineEntity({
  name: 'Station',
  tableName: 'stations',
  properties: {
    id: p.integer().primary(),
    code: p.text().unique(),
    name: p.text(),
    city: p.text(),
  },
});
export type Station = InferEntity<typeof Station>;

/** A class of travel (AC chair car, sleeper, ...) with its fare per kilometre. */
export const TravelClass = defineEntity({
  name: 'TravelClass',
  tableName: 'travel_classes',
  properties: {
    code: p.text().primary(),
    name: p.text(),
    baseFarePaise: p.integer(),
    perKmPaise: p.integer(),
    sortOrder: p.integer().default(0),
  },
});
export type TravelClass = InferEntity<typeof TravelClass>;

export const Train = defineEntity({
  name: 'Train',
  tableName: 'trains',
  properties: {
    id: p.integer().primary(),
    number: p.text().unique(),
    name: p.text(),
  },
});
export type Train = InferEntity<typeof Train>;

/** One stop of a train's route; offsets are minutes after the run's departure from stop 0. */
export const TrainStop = defineEntity({
  name: 'TrainStop',
  tableName: 'train_stops',
  properties: {
    id: p.integer().primary(),
    train: () => p.manyToOne(Train),
    seq: p.integer(),
    station: () => p.manyToOne(Station),
    arrivalOffsetMin: p.integer().nullable(),
    departureOffsetMin: p.integer().nullable(),
    km: p.integer(),
  },
});
export type TrainStop = InferEntity<typeof TrainStop>;

export const Coach = defineEntity({
  name: 'Coach',
  tableName: 'coaches',
  properties: {
    id: p.integer().primary(),
    train: () => p.manyToOne(Train),
    code: p.text(),
    travelClass: () => p.manyToOne(TravelClass).fieldName('class_code'),
    layout: p.text(),
    position: p.integer(),
  },
});
export type Coach = InferEntity<typeof Coach>;

/** One train on one service date. */
export const Run = defineEntity({
  name: 'Run',
  tableName: 'runs',
  properties: {
    id: p.integer().primary(),
    train: () => p.manyToOne(Train),
    serviceDate: p.date(),
    departsAt: p.datetime(),
    status: p.enum(['scheduled', 'charted', 'departed', 'cancelled']).default('scheduled'),
    demo: p.boolean().default(false),
  },
});
export type Run = InferEntity<typeof Run>;

/** Run x seat. Always exists, so it is the row every hold locks; `version` counts its changes. */
export const Seat = defineEntity({
  name: 'Seat',
  tableName: 'seats',
  properties: {
    id: p.bigint('number').primary(),
    run: () => p.manyToOne(Run),
    coach: () => p.manyToOne(Coach),
    number: p.integer(),
    berth: p.text(),
    travelClass: () => p.manyToOne(TravelClass).fieldName('class_code'),
    version: p.bigint('number').default(0),
    /** A RAC berth: a side lower sold only as two halves, once the class's other berths are gone. */
    rac: p.boolean().default(false),
  },
});
export type Seat = InferEntity<typeof Seat>;
