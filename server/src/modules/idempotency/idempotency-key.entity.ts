import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: {
    userId: p.bigint('number').primary(),
    key: p.text().primary(),
    operation: p.text(),
    requestHash: p.text(),
    status: p.enum(['in_progress', 'completed']).default('in_progress'),
    response: p.json<unknown>().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  primaryKeys: ['userId', 'key'],
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKey>;
