import { rooms, sessionRevokedSchema, type SessionRevoked } from '@berth/shared';
import type { Logger } from '../common/logger.ts';
import type { BerthServer } from './types.ts';

/**
 * What a node does with a `session:revoked` event, whichever way it came (its own relay, another
 * node's through the adapter, or its own tail of the outbox): remember the family as revoked, so
 * every later check refuses it from memory, and cut off this node's sockets of that sign-in. They
 * stay connected (a seat map may still be watched) but leave the user's private rooms, so no
 * booking of that user reaches them, and every command that needs the user is UNAUTHENTICATED.
 * Handling one event twice changes nothing.
 */
export function sessionRevocationHandler(deps: {
  io: BerthServer;
  remember: (event: SessionRevoked) => void;
  log: Logger;
}) {
  return (payload: unknown): void => {
    const parsed = sessionRevokedSchema.safeParse(payload);
    if (!parsed.success) {
      deps.log.error({ payload }, 'malformed session:revoked event ignored');
      return;
    }
    const { userId, familyId } = parsed.data;
    deps.remember(parsed.data);
    const namespace = deps.io.of('/');
    const members = [...(namespace.adapter.rooms.get(rooms.user(userId)) ?? [])];
    let cut = 0;
    for (const id of members) {
      const socket = namespace.sockets.get(id);
      if (!socket || socket.data.familyId !== familyId) continue;
      void socket.leave(rooms.user(userId));
      void socket.leave(rooms.admins);
      cut++;
    }
    if (cut > 0) deps.log.info({ userId, familyId, sockets: cut }, 'revoked sign-in cut off');
  };
}
