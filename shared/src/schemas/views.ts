import { z } from 'zod';
import { BOOKING_STATUSES } from './booking.ts';

/** Answers of the read-only HTTP routes: schemas here so the web client, the server and the docs agree. */

/** GET /api/stations?prefix= : autocomplete. */
export const stationViewSchema = z.object({
  code: z.string(),
  name: z.string(),
  city: z.string(),
});
export type StationView = z.infer<typeof stationViewSchema>;

/** GET /api/pnr/:pnr : public, the journey and seats with no personal data. */
export const pnrStatusSchema = z.object({
  pnr: z.string(),
  trainNumber: z.string(),
  trainName: z.string(),
  serviceDate: z.string(),
  from: z.object({ code: z.string(), departsAt: z.string() }),
  to: z.object({ code: z.string(), arrivesAt: z.string() }),
  classCode: z.string(),
  status: z.enum(BOOKING_STATUSES),
  /** Per seat, in order: coach and berth, never names or ages. */
  seats: z.array(z.object({ coach: z.string(), number: z.number(), berth: z.string() })),
  /** Per passenger, in order, where they stand (`CNF S1/36 LB`, `RAC 4`, `WL 12`), nothing more. */
  passengers: z.array(z.string()),
});
export type PnrStatus = z.infer<typeof pnrStatusSchema>;

/** GET /api/admin/stats */
export const adminStatsSchema = z.object({
  bookingsByStatus: z.record(z.string(), z.number()),
  liveHolds: z.number(),
  revenuePaise: z.number(),
  refundedPaise: z.number(),
  pendingPayments: z.number(),
  pendingRefunds: z.number(),
  unpublishedEvents: z.number(),
});
export type AdminStats = z.infer<typeof adminStatsSchema>;

/** GET /api/admin/occupancy?from=&to= : one row per run and class. */
export const runOccupancySchema = z.object({
  runId: z.number(),
  trainNumber: z.string(),
  serviceDate: z.string(),
  classCode: z.string(),
  capacity: z.number(),
  /** Seats sold on at least one leg: confirmed, or shared by RAC passengers. */
  seatsSold: z.number(),
  /**
   * Share of seat-legs sold (0..1): a seat sold Delhi-Jaipur only counts for those legs, and a
   * RAC half for half its berth.
   */
  utilisation: z.number(),
  liveHolds: z.number(),
  /** Paid RAC passengers, sharing RAC berths. */
  racPassengers: z.number(),
  /** Paid waitlisted passengers: never counted against capacity. */
  waitlistedPassengers: z.number(),
});
export type RunOccupancy = z.infer<typeof runOccupancySchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  /** As recorded: `user:<id>` or `SYSTEM`. Filter on this (or on a user's email). */
  actor: z.string(),
  /** Who `user:<id>` is, for the admins who read the trail; null for SYSTEM. */
  actorUser: z.object({ id: z.number(), name: z.string(), email: z.string() }).nullable(),
  action: z.string(),
  bookingId: z.number().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** GET /api/admin/audit?cursor=&limit=&bookingId=&action=&actor= : newest first. */
export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: z.number().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** GET/PUT /api/admin/gateway : the simulated payment gateway's behaviour. */
export const gatewaySettingsViewSchema = z.object({
  failureRate: z.number(),
  latencyMs: z.number(),
  timeoutMs: z.number(),
});
export type GatewaySettingsView = z.infer<typeof gatewaySettingsViewSchema>;

/** GET /api/admin/nodes : one entry per live node of the cluster. */
export const nodeStatsSchema = z.object({
  nodeId: z.string(),
  transport: z.enum(['uws', 'node']),
  /** 'none' on a single node without Redis. */
  redis: z.enum(['up', 'down', 'none']),
  /** Open Socket.IO connections on the node. */
  connections: z.number(),
  /** Client commands received since the node started. */
  commands: z.number(),
  /** Messages the node pushed to rooms since it started. */
  pushes: z.number(),
  uptimeSeconds: z.number(),
  rssBytes: z.number(),
});
export type NodeStats = z.infer<typeof nodeStatsSchema>;
