import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.entity.ts';

/** One issued refresh token; only its sha-256 is kept. The service itself works in plain SQL. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    user: () => p.manyToOne(User),
    /** One sign-in and all its rotations; reuse of a spent token revokes the whole family. */
    familyId: p.uuid().index(),
    tokenHash: p.text().unique(),
    expiresAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()'),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type RefreshToken = InferEntity<typeof RefreshToken>;
