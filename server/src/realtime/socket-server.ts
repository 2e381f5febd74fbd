import { rooms, type SocketData } from '@berth/shared';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { DomainError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import type { Engine } from '../engine.ts';
import { registerHandlers } from './handlers.ts';
import type { Metrics } from './metrics.ts';
import type { RateLimits } from '../common/rate-limits.ts';
import { originAllowed } from './origin.ts';
import { SelectionMarks } from './selection-marks.ts';
import type { BerthServer, BerthSocket, TokenVerifier } from './types.ts';

/** The largest frame a client may send; past it, engine.io closes that one socket. */
export const MAX_FRAME_BYTES = 16 * 1024;

export interface SocketServerDeps {
  engine: Engine;
  auth: TokenVerifier;
  log: Logger;
  metrics: Metrics;
  allowedOrigins: readonly string[];
  maxSocketsPerUser: number;
  limits: RateLimits;
  /** Whether a sign-in was revoked (memory only): asked on every command. */
  revoked: (familyId: string) => boolean;
  /** Where "being selected" marks are shared; null: this node's memory. */
  redis?: Redis | null;
  /** Adds the race demo's commands to each socket, when the demo is on. */
  extraHandlers?: (socket: BerthSocket) => void;
}

/**
 * The Socket.IO server, not yet attached to a transport: origin allowlist at the handshake,
 * access token in `auth.token` (anonymous sockets may watch), a per-user cap on open sockets,
 * then the command handlers.
 */
export function createSocketServer(deps: SocketServerDeps): BerthServer {
  const io: BerthServer = new Server({
    maxHttpBufferSize: MAX_FRAME_BYTES,
    serveClient: false,
    allowRequest: (req, callback) => {
      const ok = originAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins);
      callback(ok ? null : 'origin not allowed', ok);
    },
    pingInterval: 10_000,
    pingTimeout: 8_000,
  });
  const marks = new SelectionMarks(deps.redis ?? null);
  const socketsPerUser = new Map<number, number>();

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const anonymous: SocketData = {
      userId: null,
      role: null,
      familyId: null,
      tokenExpiresAt: null,
    };
    if (token === undefined || token === null || token === '') {
      socket.data = anonymous;
      return next();
    }
    if (typeof token !== 'string')
      return next(
        handshakeError(new DomainError('UNAUTHENTICATED', 'The token must be a string.')),
      );
    deps.auth
      .verifyAccessToken(token)
      .then((claims) => {
        if ((socketsPerUser.get(claims.userId) ?? 0) >= deps.maxSocketsPerUser) {
          throw new DomainError('RATE_LIMITED', 'Too many open connections for this account.');
        }
        socket.data = {
          userId: claims.userId,
          role: claims.role,
          familyId: claims.familyId,
          tokenExpiresAt: claims.expiresAt.getTime(),
        };
        next();
      })
      .catch((err: unknown) => {
        next(
          handshakeError(
            err instanceof DomainError
              ? err
              : new DomainError('UNAUTHENTICATED', 'Please sign in again.'),
          ),
        );
      });
  });

  io.on('connection', (socket) => {
    deps.metrics.sockets.inc();
    const { userId, role } = socket.data;
    // The account this socket counts against; a later auth:renew does not change the count.
    const counted = userId;
    if (userId !== null) {
      socketsPerUser.set(userId, (socketsPerUser.get(userId) ?? 0) + 1);
      void socket.join(rooms.user(userId));
      if (role === 'admin') void socket.join(rooms.admins);
    }
    registerHandlers(socket, {
      engine: deps.engine,
      auth: deps.auth,
      log: deps.log,
      metrics: deps.metrics,
      marks,
      limits: deps.limits,
      revoked: deps.revoked,
    });
    deps.extraHandlers?.(socket);
    socket.on('disconnect', () => {
      deps.metrics.sockets.dec();
      marks.forget(socket.id);
      if (counted !== null) {
        const left = (socketsPerUser.get(counted) ?? 1) - 1;
        if (left > 0) socketsPerUser.set(counted, left);
        else socketsPerUser.delete(counted);
      }
    });
  });
  return io;
}

/** A refused handshake: the client's `connect_error` carries the code in `data`. */
function handshakeError(err: DomainError): Error & { data: unknown } {
  return Object.assign(new Error(err.message), { data: err.toAck() });
}
