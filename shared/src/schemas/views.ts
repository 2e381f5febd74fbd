import type { BookingStatus } from './booking.ts';

/** Answers of the read-only HTTP routes: typed here so the web client and the server agree. */

/** GET /api/stations?prefix= : autocomplete. */
export interface StationView {
  code: string;
  name: string;
  city: string;
}

/** GET /api/pnr/:pnr : public, the journey and seats with no personal data. */
export interface PnrStatus {
  pnr: string;
  trainNumber: string;
  trainName: string;
  serviceDate: string;
  from: { code: string; departsAt: string };
  to: { code: string; arrivesAt: string };
  classCode: string;
  status: BookingStatus;
  /** Per passenger, in order: coach and berth, never names or ages. */
  seats: { coach: string; number: number; berth: string }[];
}

/** GET /api/admin/stats */
export interface AdminStats {
  bookingsByStatus: Record<string, number>;
  liveHolds: number;
  revenuePaise: number;
  refundedPaise: number;
  pendingPayments: number;
  pendingRefunds: number;
  unpublishedEvents: number;
}

/** GET /api/admin/occupancy?from=&to= : one row per run and class. */
export interface RunOccupancy {
  runId: number;
  trainNumber: string;
  serviceDate: string;
  classCode: string;
  capacity: number;
  /** Seats sold on at least one leg. */
  seatsSold: number;
  /** Share of seat-legs sold (0..1): a seat sold Delhi-Jaipur only counts for those legs. */
  utilisation: number;
  liveHolds: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  /** As recorded: `user:<id>` or `SYSTEM`. Filter on this (or on a user's email). */
  actor: string;
  /** Who `user:<id>` is, for the admins who read the trail; null for SYSTEM. */
  actorUser: { id: number; name: string; email: string } | null;
  action: string;
  bookingId: number | null;
  before: unknown;
  after: unknown;
}

/** GET /api/admin/audit?cursor=&limit=&bookingId=&action=&actor= : newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: number | null;
}

/** GET/PUT /api/admin/gateway : the simulated payment gateway's behaviour. */
export interface GatewaySettingsView {
  failureRate: number;
  latencyMs: number;
  timeoutMs: number;
}

/** GET /api/admin/nodes : one entry per live node of the cluster. */
export interface NodeStats {
  nodeId: string;
  transport: 'uws' | 'node';
  /** 'none' on a single node without Redis. */
  redis: 'up' | 'down' | 'none';
  /** Open Socket.IO connections on the node. */
  connections: number;
  /** Client commands received since the node started. */
  commands: number;
  /** Messages the node pushed to rooms since it started. */
  pushes: number;
  uptimeSeconds: number;
  rssBytes: number;
}
