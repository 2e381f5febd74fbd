import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.bigint('number').primary(),
    email: p.text().unique(),
    name: p.text(),
    passwordHash: p.text(),
    role: p.enum(['user', 'admin']).default('user'),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type User = InferEntity<typeof User>;
