import {
  bookingUpdatedSchema,
  holdExpiredSchema,
  holdExpiringSchema,
  rooms,
  seatsChangedSchema,
  type BookingUpdated,
  type ServerToClientEvents,
} from '@berth/shared';
import type { z } from 'zod';

/**
 * The pushes that leave through the outbox, and what each carries there: its wire schema from
 * `shared/` without what the relay stamps on the way out (`committedAt`). Tests parse every
 * outbox row they leave behind with these (strictly), so a payload that drifts fails the suite.
 */
export const outboxSchemas = {
  'seats:changed': seatsChangedSchema.omit({ committedAt: true }),
  'booking:updated': bookingUpdatedSchema,
  'hold:expired': holdExpiredSchema,
  'hold:expiring': holdExpiringSchema,
};
export type OutboxEvent = keyof typeof outboxSchemas;
export type OutboxPayloads = { [E in OutboxEvent]: z.infer<(typeof outboxSchemas)[E]> };

/** One outbox row to write: an event of the contract, its room and its typed payload. */
export type OutboxMessage = {
  [E in OutboxEvent]: { event: E; room: string; payload: OutboxPayloads[E] };
}[OutboxEvent];

/** Every outbox event is a push of the contract, whose wire payload is the outbox's plus stamps. */
type Wire<E extends OutboxEvent> = Parameters<ServerToClientEvents[E]>[0];
const matchesWire: {
  [E in OutboxEvent]: OutboxPayloads[E] extends Partial<Wire<E>> ? true : never;
} = { 'seats:changed': true, 'booking:updated': true, 'hold:expired': true, 'hold:expiring': true };
void matchesWire;

/** The one way to enqueue a push: the event names its payload's type. */
export function outboxPush<E extends OutboxEvent>(
  event: E,
  room: string,
  payload: OutboxPayloads[E],
): OutboxMessage {
  return { event, room, payload } as OutboxMessage;
}

/** A change to one of a user's bookings, for all of that user's devices. */
export function bookingUpdated(userId: number, update: BookingUpdated): OutboxMessage {
  return outboxPush('booking:updated', rooms.user(userId), update);
}
