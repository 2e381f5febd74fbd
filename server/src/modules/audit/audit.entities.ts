import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from '../auth/user.entity.ts';

/** Append-only (a trigger refuses UPDATE and DELETE). */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: p.bigint('number').primary(),
    at: p.datetime().defaultRaw('now()'),
    xid: p.text().columnType('xid8').defaultRaw('pg_current_xact_id()'),
    actor: p.text(),
    /** The user behind a `user:<id>` actor; none for SYSTEM and the jobs. */
    actorUser: () => p.manyToOne(User).nullable(),
    action: p.text(),
    bookingId: p.bigint('number').nullable(),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
  },
});
export type AuditEntry = InferEntity<typeof AuditEntry>;

/** Committed events waiting for the relay to push them to their room. */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox',
  properties: {
    id: p.bigint('number').primary(),
    xid: p.text().columnType('xid8').defaultRaw('pg_current_xact_id()'),
    event: p.text(),
    room: p.text(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().defaultRaw('now()'),
    publishedAt: p.datetime().nullable(),
  },
});
export type OutboxEvent = InferEntity<typeof OutboxEvent>;

/** Outbox rows of transactions before `beforeXid` were pruned (one row, id 1). */
export const OutboxPruneMark = defineEntity({
  name: 'OutboxPruneMark',
  tableName: 'outbox_pruned',
  properties: {
    id: p.smallint().primary(),
    beforeXid: p.text().columnType('xid8'),
    prunedAt: p.datetime().defaultRaw('now()'),
  },
});
export type OutboxPruneMark = InferEntity<typeof OutboxPruneMark>;
