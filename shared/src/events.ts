import type { Ack } from './errors.ts';
import type { DemoInfo, RaceEntry, RaceResult, RaceStart } from './schemas/race.ts';
import type { SessionRevoked } from './schemas/auth.ts';
import type { NodeStats } from './schemas/views.ts';
import type {
  BookingView,
  CancelRequest,
  HoldRequest,
  PlaceRequest,
  PayRequest,
  ReleaseRequest,
} from './schemas/booking.ts';
import type {
  AuthRenew,
  AuthRenewed,
  BookingUpdated,
  HoldExpired,
  QueueChanged,
  HoldExpiring,
  RunSnapshot,
  RunUnwatch,
  RunWatch,
  SeatSelect,
  SeatSelecting,
  SeatsChanged,
  SeatsDigest,
} from './schemas/realtime.ts';

export type AckCallback<T> = (result: Ack<T>) => void;

/** Commands a client sends; every one is acknowledged with `Ack<T>`. */
export interface ClientToServerEvents {
  /** Start watching a run's seats for a segment; the ack is the snapshot. */
  'run:watch': (payload: RunWatch, ack: AckCallback<RunSnapshot>) => void;
  /** Stop watching a run. */
  'run:unwatch': (payload: RunUnwatch, ack: AckCallback<null>) => void;
  /** Hold 1 to 6 seats (signed-in users only). */
  'hold:create': (payload: HoldRequest, ack: AckCallback<BookingView>) => void;
  /**
   * Ask for places for a party in a class (signed-in users): whole berths if free, else RAC
   * halves, else waitlist places; held like a hold and paid with `booking:pay`.
   */
  'booking:request': (payload: PlaceRequest, ack: AckCallback<BookingView>) => void;
  /** Let go of a hold. */
  'hold:release': (payload: ReleaseRequest, ack: AckCallback<BookingView>) => void;
  /** Pay for a hold. */
  'booking:pay': (payload: PayRequest, ack: AckCallback<BookingView>) => void;
  /** Cancel a booking (a hold is released; a paid booking is refunded). */
  'booking:cancel': (payload: CancelRequest, ack: AckCallback<BookingView>) => void;
  /** Mark a seat as being looked at, for the run's other watchers. */
  'seat:select': (payload: SeatSelect, ack: AckCallback<null>) => void;
  /** Present a fresh access token without reconnecting (rooms are kept). */
  'auth:renew': (payload: AuthRenew, ack: AckCallback<AuthRenewed>) => void;
  /** Join the race demo's room; the ack says which run and segment it races on. */
  'race:watch': (payload: Record<string, never>, ack: AckCallback<DemoInfo>) => void;
  /** Race N demo users for one seat (signed-in users); the result is also broadcast. */
  'race:start': (payload: RaceStart, ack: AckCallback<RaceResult>) => void;
}

/** Pushes from the server. */
export interface ServerToClientEvents {
  /** Committed seat changes of a watched run, batched (at most every ~50 ms per run). */
  'seats:changed': (payload: SeatsChanged) => void;
  /** Periodic check that the client has seen every batch of a watched run. */
  'seats:digest': (payload: SeatsDigest) => void;
  /** One of the user's holds expires in about a minute. */
  'hold:expiring': (payload: HoldExpiring) => void;
  /** One of the user's holds has expired; its seats are gone. */
  'hold:expired': (payload: HoldExpired) => void;
  /**
   * The RAC or waitlist of a class of a watched run changed: re-read the segment's counts
   * (search), which no seat delta describes.
   */
  'queue:changed': (payload: QueueChanged) => void;
  /**
   * One of the user's bookings changed: its status, its refund, or (RAC and waitlisted bookings)
   * its queue number, when someone ahead left the queue. Read the booking again.
   */
  'booking:updated': (payload: BookingUpdated) => void;
  /** Someone is looking at a seat of a watched run right now. */
  'seat:selecting': (payload: SeatSelecting) => void;
  /** A demo race finished: the winner, every loser's code, every lock wait. */
  'race:finished': (payload: RaceResult) => void;
}

/** A node's share of a demo race: which contenders it runs, and when to start. */
export interface RaceOrder {
  raceId: string;
  seatId: number;
  startAt: number;
  /** Contender indexes (0-based) per node id. */
  assignments: Record<string, number[]>;
}

/** Messages between nodes (through the adapter). */
export interface InterServerEvents {
  /** Who is there to run a share of a race? Each node answers with its id. */
  'race:peer': (raceId: string, ack: (nodeId: string) => void) => void;
  /** Run your share of a race; answer with its entries. */
  'race:run': (order: RaceOrder, ack: (entries: RaceEntry[]) => void) => void;
  /** How are you doing? Each node answers with its own figures (GET /api/admin/nodes). */
  'node:stats': (ack: (stats: NodeStats) => void) => void;
  /** A sign-in was revoked: refuse its tokens, and cut off its sockets here (from the outbox). */
  'session:revoked': (payload: SessionRevoked) => void;
}

/** What a node keeps per socket. */
export interface SocketData {
  userId: number | null;
  role: 'user' | 'admin' | null;
  /** The refresh-token family of the access token, so a revoked family can be refused. */
  familyId: string | null;
  /** When the presented access token expires (ms since epoch), or null when anonymous. */
  tokenExpiresAt: number | null;
}

/** Names of the client commands, for validation tables and metrics. */
export type CommandName = keyof ClientToServerEvents;
export type PushName = keyof ServerToClientEvents;
