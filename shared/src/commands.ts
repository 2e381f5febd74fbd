import type { z } from 'zod';
import type { CommandName } from './events.ts';
import {
  cancelRequestSchema,
  holdRequestSchema,
  payRequestSchema,
  placeRequestSchema,
  releaseRequestSchema,
} from './schemas/booking.ts';
import { raceStartSchema, raceWatchSchema } from './schemas/race.ts';
import {
  authRenewSchema,
  runUnwatchSchema,
  runWatchSchema,
  seatSelectSchema,
} from './schemas/realtime.ts';

/**
 * The payload schema of every client command, the one the server validates it with. Anything a
 * client may send is described here, so a fuzzer (or a client's form) can be built from it.
 */
export const commandSchemas = {
  'run:watch': runWatchSchema,
  'run:unwatch': runUnwatchSchema,
  'hold:create': holdRequestSchema,
  'booking:request': placeRequestSchema,
  'hold:release': releaseRequestSchema,
  'booking:pay': payRequestSchema,
  'booking:cancel': cancelRequestSchema,
  'seat:select': seatSelectSchema,
  'auth:renew': authRenewSchema,
  'race:watch': raceWatchSchema,
  'race:start': raceStartSchema,
} as const satisfies Record<CommandName, z.ZodType>;
