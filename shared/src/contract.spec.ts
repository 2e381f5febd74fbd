import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { commandSchemas } from './commands.ts';
import { ackSchema, type Ack } from './errors.ts';
import { ackSchemas, pushSchemas } from './wire-schemas.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './events.ts';
import {
  bookingViewSchema,
  cancelRequestSchema,
  holdRequestSchema,
  payRequestSchema,
  releaseRequestSchema,
  type BookingView,
} from './schemas/booking.ts';
import {
  authRenewSchema,
  runSnapshotSchema,
  runUnwatchSchema,
  runWatchSchema,
  seatSelectSchema,
  seatsChangedSchema,
  seatsDigestSchema,
  type RunSnapshot,
} from './schemas/realtime.ts';

type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends keyof ClientToServerEvents> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0];

// These fail to compile, not at run time, when the event maps and the schemas drift apart.
describe('the wire contract', () => {
  it('command payloads are exactly what the schemas accept', () => {
    expectTypeOf<PayloadOf<'hold:create'>>().toEqualTypeOf<z.infer<typeof holdRequestSchema>>();
    expectTypeOf<PayloadOf<'hold:release'>>().toEqualTypeOf<z.infer<typeof releaseRequestSchema>>();
    expectTypeOf<PayloadOf<'booking:pay'>>().toEqualTypeOf<z.infer<typeof payRequestSchema>>();
    expectTypeOf<PayloadOf<'booking:cancel'>>().toEqualTypeOf<
      z.infer<typeof cancelRequestSchema>
    >();
    expectTypeOf<PayloadOf<'run:watch'>>().toEqualTypeOf<z.infer<typeof runWatchSchema>>();
    expectTypeOf<PayloadOf<'run:unwatch'>>().toEqualTypeOf<z.infer<typeof runUnwatchSchema>>();
    expectTypeOf<PayloadOf<'seat:select'>>().toEqualTypeOf<z.infer<typeof seatSelectSchema>>();
    expectTypeOf<PayloadOf<'auth:renew'>>().toEqualTypeOf<z.infer<typeof authRenewSchema>>();
  });

  it('acks carry the schema types', () => {
    expectTypeOf<AckOf<'hold:create'>>().toEqualTypeOf<Ack<BookingView>>();
    expectTypeOf<AckOf<'run:watch'>>().toEqualTypeOf<Ack<RunSnapshot>>();
    expectTypeOf<z.infer<ReturnType<typeof ackSchema<typeof bookingViewSchema>>>>().toEqualTypeOf<
      Ack<BookingView>
    >();
  });

  it('pushes carry the schema types', () => {
    expectTypeOf<Parameters<ServerToClientEvents['seats:changed']>[0]>().toEqualTypeOf<
      z.infer<typeof seatsChangedSchema>
    >();
    expectTypeOf<Parameters<ServerToClientEvents['seats:digest']>[0]>().toEqualTypeOf<
      z.infer<typeof seatsDigestSchema>
    >();
  });

  it('an ack schema tells success from a coded failure at run time', () => {
    const schema = ackSchema(runSnapshotSchema);
    expect(
      schema.safeParse({ ok: false, error: { code: 'SEAT_TAKEN', message: 'taken' } }).success,
    ).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'WHATEVER', message: 'x' } }).success).toBe(
      false,
    );
    expect(schema.safeParse({ ok: true, data: { runId: 1 } }).success).toBe(false);
  });

  it('every push and every ack has a schema that infers exactly what the event map says', () => {
    type Same<A, B> =
      (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
    type PushesMatch = {
      [E in keyof ServerToClientEvents]: Same<
        z.infer<(typeof pushSchemas)[E]>,
        Parameters<ServerToClientEvents[E]>[0]
      >;
    };
    expectTypeOf<PushesMatch[keyof PushesMatch]>().toEqualTypeOf<true>();
    type AcksMatch = {
      [E in keyof ClientToServerEvents]: Same<
        z.infer<(typeof ackSchemas)[E]>,
        Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]
      >;
    };
    expectTypeOf<AcksMatch>().toEqualTypeOf<{ [E in keyof ClientToServerEvents]: true }>();
  });
});

describe('command schemas', () => {
  it('name every command, each with the schema its payload type is inferred from', () => {
    expectTypeOf<keyof typeof commandSchemas>().toEqualTypeOf<keyof ClientToServerEvents>();
    expectTypeOf<z.infer<(typeof commandSchemas)['hold:create']>>().toEqualTypeOf<
      PayloadOf<'hold:create'>
    >();
    expect(commandSchemas['run:watch']).toBe(runWatchSchema);
  });
});
