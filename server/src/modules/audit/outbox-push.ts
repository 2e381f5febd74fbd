import {
  bookingUpdatedSchema,
  holdExpiredSchema,
  holdExpiringSchema,
  queueChangedSchema,
  rooms,
  seatsChangedSchema,
  sessionRevokedSchema,
  type BookingUpdated,
  type InterServerEvents,
  type ServerToClientEvents,
} from '@berth/shared';
import type { z } from 'zod';

/**
 * The pushes that leave through the outbox, and what each carries there: its wire schema from
 * `shared/` without what the relay stamps on the way out (`committedAt`). Tests parse every
 * outbox row they leave behind with these (strictly), so a payload that drifts fails the suite.
 */
export const pushSchemas = {
  'seats:changed': seatsChangedSchema.omit({ committedAt: true }),
  'booking:updated': bookingUpdatedSchema,
  'hold:expired': holdExpiredSchema,
  'hold:expiring': holdExpiringSchema,
  'queue:changed': queueChangedSchema,
};

/**
 * Events for the nodes themselves, not for clients: the relay hands each to a handler on every
 * node (InterServerEvents) instead of emitting it to a room.
 */
export const nodeEventSchemas = {
  'session:revoked': sessionRevokedSchema,
};

export const outboxSchemas = { ...pushSchemas, ...nodeEventSchemas };
export type PushEvent = keyof typeof pushSchemas;
export type NodeEvent = keyof typeof nodeEventSchemas;
export type OutboxEvent = keyof typeof outboxSchemas;
export type OutboxPayloads = { [E in OutboxEvent]: z.infer<(typeof outboxSchemas)[E]> };

/** The `room` of a node event's row: no socket is ever in it. */
export const NODES_ROOM = '@nodes';

export const isNodeEvent = (event: string): event is NodeEvent => event in nodeEventSchemas;

/** One outbox row to write: an event of the contract, its room and its typed payload. */
export type OutboxMessage = {
  [E in OutboxEvent]: { event: E; room: string; payload: OutboxPayloads[E] };
}[OutboxEvent];

/** Every push is one of the contract, whose wire payload is the outbox's plus stamps. */
type Wire<E extends PushEvent> = Parameters<ServerToClientEvents[E]>[0];
const matchesWire: {
  [E in PushEvent]: OutboxPayloads[E] extends Partial<Wire<E>> ? true : never;
} = {
  'seats:changed': true,
  'booking:updated': true,
  'hold:expired': true,
  'hold:expiring': true,
  'queue:changed': true,
};
void matchesWire;
/** And every node event is one of the contract's messages between nodes, payload for payload. */
const matchesNodes: {
  [E in NodeEvent]: [OutboxPayloads[E]] extends Parameters<InterServerEvents[E]> ? true : never;
} = { 'session:revoked': true };
void matchesNodes;

/** The one way to enqueue a push: the event names its payload's type. */
export function outboxPush<E extends PushEvent>(
  event: E,
  room: string,
  payload: OutboxPayloads[E],
): OutboxMessage {
  return { event, room, payload } as OutboxMessage;
}

/** The one way to enqueue a node event: every node handles it, whichever relay reads it. */
export function outboxNodeEvent<E extends NodeEvent>(
  event: E,
  payload: OutboxPayloads[E],
): OutboxMessage {
  return { event, room: NODES_ROOM, payload };
}

/** A change to one of a user's bookings, for all of that user's devices. */
export function bookingUpdated(userId: number, update: BookingUpdated): OutboxMessage {
  return outboxPush('booking:updated', rooms.user(userId), update);
}
