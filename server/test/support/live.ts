import {
  ackSchemas,
  pushSchemas,
  stateForSegment,
  type Ack,
  type ClientToServerEvents,
  type RunSnapshot,
  type SeatsChanged,
  type ServerToClientEvents,
} from '@berth/shared';
import { io as connectClient, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens a socket to a node (websocket only, like the load generator), resolved once connected. */
export function connect(
  url: string,
  token?: string,
  extraHeaders?: Record<string, string>,
): Promise<ClientSocket> {
  const socket: ClientSocket = connectClient(url, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
    extraHeaders,
  });
  // Every push a test socket receives is one the contract describes: a drift fails the suite.
  socket.onAny((event: string, payload: unknown) => {
    const schema = pushSchemas[event as keyof typeof pushSchemas];
    if (!schema) throw new Error(`a push the contract does not describe: ${event}`);
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new Error(`${event} off contract: ${parsed.error.message}`);
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Emits a command and resolves with its ack. */
export function ask<T>(
  socket: ClientSocket,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<Ack<T>> {
  return new Promise((resolve, reject) => {
    (socket.emit as (e: string, p: unknown, cb: (a: Ack<T>) => void) => void)(
      event,
      payload,
      (ack) => {
        // Every ack, success or refusal, is one the contract describes.
        const parsed = ackSchemas[event].safeParse(ack);
        if (parsed.success) resolve(ack);
        else reject(new Error(`${event} ack off contract: ${parsed.error.message}`));
      },
    );
  });
}

/** Like `ask`, but throws unless the ack is ok. */
export async function must<T>(
  socket: ClientSocket,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<T> {
  const ack = await ask<T>(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * What a client keeps of a watched run for its segment: a snapshot, then deltas applied by
 * version (stale ones ignored), exactly as the web client does.
 */
export class LiveMap {
  readonly seats = new Map<number, { version: number; state: string }>();
  readonly batches: SeatsChanged[] = [];

  constructor(
    readonly runId: number,
    readonly segment: { from: number; to: number },
  ) {}

  static watch(socket: ClientSocket, runId: number, from: string, to: string): Promise<LiveMap> {
    return new Promise((resolve, reject) => {
      let map: LiveMap | undefined;
      const early: SeatsChanged[] = [];
      socket.on('seats:changed', (batch) => {
        if (batch.runId !== runId) return;
        if (map) map.apply(batch);
        else early.push(batch);
      });
      void ask<RunSnapshot>(socket, 'run:watch', { runId, from, to }).then((ack) => {
        if (!ack.ok) return reject(new Error(`${ack.error.code}: ${ack.error.message}`));
        map = new LiveMap(runId, { from: ack.data.from.seq, to: ack.data.to.seq });
        map.load(ack.data);
        for (const batch of early) map.apply(batch);
        resolve(map);
      });
    });
  }

  load(snapshot: RunSnapshot) {
    for (const seat of snapshot.seats) {
      // "yours" is a held or booked seat seen by its owner; compare like with like.
      this.seats.set(seat.seatId, { version: seat.version, state: seat.state });
    }
  }

  apply(batch: SeatsChanged) {
    this.batches.push(batch);
    for (const delta of batch.seats) {
      const known = this.seats.get(delta.seatId);
      if (known && known.version >= delta.version) continue;
      this.seats.set(delta.seatId, {
        version: delta.version,
        state: stateForSegment(delta.occupancy, this.segment),
      });
    }
  }

  stateOf(seatId: number) {
    return this.seats.get(seatId)?.state;
  }

  /** Seat states and versions, "yours" read as held (the owner's own view), for comparing maps. */
  normalised(): Record<number, string> {
    return Object.fromEntries(
      [...this.seats].map(([id, s]) => [
        id,
        `${s.state === 'yours' ? 'held' : s.state}@${s.version}`,
      ]),
    );
  }
}

/**
 * Opens sockets to whatever node `url()` names and remembers them, so a test file closes all of
 * them in one `afterAll`.
 */
export function socketTracker(url: () => string) {
  const sockets: ClientSocket[] = [];
  return {
    track(socket: ClientSocket) {
      sockets.push(socket);
      return socket;
    },
    async open(token?: string) {
      return this.track(await connect(url(), token));
    },
    closeAll() {
      for (const s of sockets) s.close();
    },
  };
}
