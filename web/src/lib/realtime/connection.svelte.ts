import { io, type Socket } from 'socket.io-client';
import {
  CommandRetry,
  retryAfterSchema,
  type Ack,
  type AckCallback,
  type AckError,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@berth/shared';

export type BerthSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';
type CommandName = keyof ClientToServerEvents;
type PayloadOf<E extends CommandName> = Parameters<ClientToServerEvents[E]>[0];
type DataOf<E extends CommandName> =
  Parameters<ClientToServerEvents[E]>[1] extends AckCallback<infer T> ? T : never;

/** How long a command may wait for its ack before the client gives up and says so. */
const ACK_TIMEOUT_MS = 10_000;
/** The answer to a command while the connection is down: nothing was sent, or its answer lost. */
const OFFLINE: AckError = {
  code: 'UNAVAILABLE',
  message: 'You are offline. We will reconnect as soon as we can; then try again.',
};

/**
 * True for an UNAVAILABLE that means this client was offline (it has no `retryAfterMs`), which
 * stops being true once the connection is back; the server's own UNAVAILABLE (its database
 * unreachable) gives a wait and is an answer like any other.
 */
export function isOfflineAnswer(error: AckError): boolean {
  return error.code === 'UNAVAILABLE' && !retryAfterSchema.safeParse(error.details).success;
}

/**
 * One Socket.IO connection with its status as state, typed commands that always resolve to an
 * `Ack` (a lost connection or a timeout becomes a coded error, never a hang), and a hook for
 * work that must be redone after every reconnect (watching runs again, re-snapshotting).
 */
export class Connection {
  #status = $state<ConnectionStatus>('connecting');
  #attempt = $state(0);
  #retrying = $state(0);
  readonly socket: BerthSocket;
  readonly #onReconnect = new Set<() => void>();

  constructor(opts: { token?: () => string | null; url?: string } = {}) {
    this.socket = io(opts.url ?? '/', {
      transports: ['websocket'],
      auth: (cb) => {
        const token = opts.token?.();
        cb(token ? { token } : {});
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    this.socket.on('connect', () => {
      const again = this.#attempt > 0 || this.#status === 'reconnecting';
      this.#status = 'online';
      this.#attempt = 0;
      if (again) for (const fn of this.#onReconnect) fn();
    });
    this.socket.on('disconnect', (reason) => {
      // The server closed us on purpose (e.g. a revoked session): socket.io will not retry.
      this.#status = reason === 'io server disconnect' ? 'offline' : 'reconnecting';
      if (reason === 'io server disconnect') setTimeout(() => this.socket.connect(), 1000);
    });
    this.socket.on('connect_error', () => {
      this.#status = this.#status === 'connecting' ? 'connecting' : 'reconnecting';
      this.#attempt += 1;
    });
    this.socket.io.on('reconnect_attempt', (n) => {
      this.#status = 'reconnecting';
      this.#attempt = n;
    });
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The connection was up and is not now (not the first moments of connecting). */
  get lost(): boolean {
    return this.#status === 'reconnecting' || this.#status === 'offline';
  }

  get online(): boolean {
    return this.#status === 'online';
  }

  /** Reconnection attempts since the connection was lost. */
  get attempt(): number {
    return this.#attempt;
  }

  /** A command was answered OVERLOADED or UNAVAILABLE and waits to be sent again ("Busy, retrying…"). */
  get retrying(): boolean {
    return this.#retrying > 0;
  }

  /** Runs `fn` after every reconnect (not the first connect); returns an unsubscribe. */
  onReconnect(fn: () => void): () => void {
    this.#onReconnect.add(fn);
    return () => this.#onReconnect.delete(fn);
  }

  /**
   * Sends a command and resolves with its ack; offline and timeouts resolve as coded errors. Once
   * a connection has been lost, a command is answered UNAVAILABLE at once instead of waiting out
   * the ack timeout in socket.io's buffer (before the first connect it waits: that is moments).
   *
   * A command the server did not run, because it was too busy (OVERLOADED) or could not reach
   * its database (UNAVAILABLE with a `retryAfterMs`), is sent again with the same payload and so
   * the same idempotency key, after the wait it was given; meanwhile `retrying` is true
   * ("Busy, retrying…"), by the policy in shared (`CommandRetry`): OVERLOADED once, UNAVAILABLE
   * until RETRY_UNAVAILABLE_MS have passed. The last answer is the answer.
   */
  async ask<E extends CommandName>(event: E, payload: PayloadOf<E>): Promise<Ack<DataOf<E>>> {
    let ack = await this.#send(event, payload);
    const retry = new CommandRetry();
    while (!ack.ok) {
      const waitMs = retry.waitBefore(ack.error);
      if (waitMs === null) return ack;
      this.#retrying += 1;
      try {
        await new Promise((r) => setTimeout(r, waitMs));
        ack = await this.#send(event, payload);
      } finally {
        this.#retrying -= 1;
      }
    }
    return ack;
  }

  #send<E extends CommandName>(event: E, payload: PayloadOf<E>): Promise<Ack<DataOf<E>>> {
    if (this.lost) {
      return Promise.resolve({ ok: false, error: OFFLINE });
    }
    return new Promise((resolve) => {
      const timed = this.socket.timeout(ACK_TIMEOUT_MS) as unknown as {
        emit(ev: E, p: unknown, cb: (err: Error | null, ack: Ack<DataOf<E>>) => void): void;
      };
      timed.emit(event, payload, (err, ack) => {
        if (!err) return resolve(ack);
        resolve({
          ok: false,
          error: this.online
            ? { code: 'INTERNAL', message: 'The server did not answer in time. Please try again.' }
            : OFFLINE,
        });
      });
    });
  }

  /** Cuts the socket (tests and kiosks use this to prove recovery) and lets it reconnect. */
  cut(): void {
    this.socket.io.engine?.close();
  }

  close(): void {
    this.#onReconnect.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.#status = 'offline';
  }
}
