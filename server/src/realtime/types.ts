import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from '@berth/shared';
import type { Server, Socket } from 'socket.io';

export type BerthServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type BerthSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** What the socket layer needs from authentication. */
export interface TokenVerifier {
  verifyAccessToken(
    token: string,
  ): Promise<{ userId: number; role: 'user' | 'admin'; familyId: string; expiresAt: Date }>;
}
