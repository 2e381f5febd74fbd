import { z } from 'zod';
import { ackSchema } from './errors.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './events.ts';
import { bookingViewSchema } from './schemas/booking.ts';
import { demoInfoSchema, raceResultSchema } from './schemas/race.ts';
import {
  authRenewedSchema,
  bookingUpdatedSchema,
  holdExpiredSchema,
  queueChangedSchema,
  holdExpiringSchema,
  runSnapshotSchema,
  seatSelectingSchema,
  seatsChangedSchema,
  seatsDigestSchema,
} from './schemas/realtime.ts';

/**
 * Every push the server may send, with the schema its payload matches: what tests, the load test
 * and any client check what arrives against. Typed so a push added to the event map without a
 * schema here does not compile.
 */
export const pushSchemas = {
  'seats:changed': seatsChangedSchema,
  'seats:digest': seatsDigestSchema,
  'hold:expiring': holdExpiringSchema,
  'hold:expired': holdExpiredSchema,
  'queue:changed': queueChangedSchema,
  'booking:updated': bookingUpdatedSchema,
  'seat:selecting': seatSelectingSchema,
  'race:finished': raceResultSchema,
} as const satisfies { [E in keyof ServerToClientEvents]: z.ZodType };

/** Every command's acknowledgement, as a schema (the same for each the event map declares). */
export const ackSchemas = {
  'run:watch': ackSchema(runSnapshotSchema),
  'run:unwatch': ackSchema(z.null()),
  'hold:create': ackSchema(bookingViewSchema),
  'booking:request': ackSchema(bookingViewSchema),
  'hold:release': ackSchema(bookingViewSchema),
  'booking:pay': ackSchema(bookingViewSchema),
  'booking:cancel': ackSchema(bookingViewSchema),
  'seat:select': ackSchema(z.null()),
  'auth:renew': ackSchema(authRenewedSchema),
  'race:watch': ackSchema(demoInfoSchema),
  'race:start': ackSchema(raceResultSchema),
} as const satisfies { [E in keyof ClientToServerEvents]: z.ZodType };
