import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config/env.ts';
import type { Logger } from './common/logger.ts';
import { admitCommand } from './common/overload.ts';
import type { EngineContext, TestHooks } from './engine-context.ts';
import { sweepExpiredHolds } from './jobs/expiry-sweeper.ts';
import { startIntervalJob, type IntervalJob } from './jobs/interval-job.ts';
import { reconcilePending } from './jobs/payment-reconciler.ts';
import { adminStats, auditTrail, runOccupancy } from './modules/admin/admin.service.ts';
import type { Actor } from './modules/audit/transition-writer.ts';
import { bookingByPnr, myBookings, pnrStatus } from './modules/booking/booking-queries.ts';
import { calendar } from './modules/catalog/booking-window.ts';
import { transactionWithEvents } from './modules/events/event-handlers.ts';
import { stationsByPrefix } from './modules/catalog/stations.service.ts';
import { holdSeats, type HoldProbe } from './modules/booking/hold.service.ts';
import { requestPlaces } from './modules/waitlist/place-request.service.ts';
import { promoteWaiting } from './modules/waitlist/promotion-job.ts';
import { prepareCharts } from './modules/waitlist/chart.ts';
import { promoteOnFreed } from './modules/waitlist/promotion.ts';
import { react } from './modules/events/event-handlers.ts';
import { releaseHold } from './modules/booking/release.service.ts';
import { CatalogCache } from './modules/catalog/route-cache.ts';
import { stationDepartures } from './modules/catalog/departures.service.ts';
import { searchRuns } from './modules/catalog/search.service.ts';
import { seatMap } from './modules/catalog/seat-map.service.ts';
import { SimulatedGateway } from './modules/payments/gateway.ts';
import { getGatewaySettings, setGatewaySettings } from './modules/payments/gateway-admin.ts';
import { payBooking } from './modules/payments/pay.service.ts';
import { cancelBooking } from './modules/payments/refund.service.ts';

export type UserActor = Actor & { userId: number };

export interface EngineDeps {
  orm: MikroORM;
  config: Config;
  log: Logger;
  hooks?: TestHooks;
  /** Called after a commit that wrote outbox rows: this node's relay, woken (see app.ts). */
  wakeRelay?: () => void;
}

/**
 * The booking engine: transport-agnostic commands and queries that throw coded DomainErrors.
 * The socket and HTTP layers call these and nothing below them.
 */
export function createEngine(deps: EngineDeps) {
  // Promotion runs in the transaction that freed the seats, when it holds the class's lock.
  react('seats.freed', promoteOnFreed);
  const em = () => deps.orm.em.fork();
  const ctx: EngineContext = {
    orm: deps.orm,
    config: deps.config,
    log: deps.log,
    hooks: deps.hooks ?? {},
    em,
    // Every transaction ends with the flush of what its events want written (audit, outbox).
    tx: async (work) => {
      const result = await transactionWithEvents(deps.orm, deps.wakeRelay, work);
      deps.hooks?.afterCommit?.();
      return result;
    },
    catalog: new CatalogCache(em),
    gateway: new SimulatedGateway(em),
  };
  let jobs: IntervalJob[] = [];
  const overload = {
    depth: deps.config.OVERLOAD_QUEUE_DEPTH ?? 2 * deps.config.DB_POOL_MAX,
    poolMax: deps.config.DB_POOL_MAX,
    retryMs: deps.config.OVERLOAD_RETRY_AFTER_MS,
  };
  /**
   * The commands that change bookings are turned away OVERLOADED before they queue too deep. A
   * command that finishes what a hold started (pay, release, cancel) may queue twice as deep as a
   * new hold: in a rush, a passenger who won a seat is let through before the next one tries.
   */
  const admit = () => admitCommand(deps.orm, overload);
  const admitFinishing = () => admitCommand(deps.orm, { ...overload, depth: overload.depth * 2 });

  return {
    context: ctx,
    hold: async (actor: UserActor, input: unknown, probe?: HoldProbe) => {
      admit();
      return holdSeats(ctx, actor, input, probe);
    },
    requestPlaces: async (actor: UserActor, input: unknown) => {
      admit();
      return requestPlaces(ctx, actor, input);
    },
    release: async (actor: UserActor, input: unknown) => {
      admitFinishing();
      return releaseHold(ctx, actor, input);
    },
    pay: async (actor: UserActor, input: unknown) => {
      admitFinishing();
      return payBooking(ctx, actor, input);
    },
    cancel: async (actor: UserActor, input: unknown) => {
      admitFinishing();
      return cancelBooking(ctx, actor, input);
    },
    seatMap: (viewerId: number | null, input: unknown) => seatMap(ctx, viewerId, input),
    search: (input: unknown) => searchRuns(ctx, input),
    calendar: () => Promise.resolve(calendar(ctx.config)),
    departures: (input: unknown) => stationDepartures(ctx, input),
    myBookings: (actor: UserActor) => myBookings(ctx, actor),
    bookingByPnr: (actor: Actor, pnr: unknown) => bookingByPnr(ctx, actor, pnr),
    pnrStatus: (pnr: unknown) => pnrStatus(ctx, pnr),
    stations: (prefix: unknown) => stationsByPrefix(ctx, prefix),
    adminStats: (actor: Actor) => adminStats(ctx, actor),
    runOccupancy: (actor: Actor, input?: unknown) => runOccupancy(ctx, actor, input),
    auditTrail: (actor: Actor, input?: unknown) => auditTrail(ctx, actor, input),
    gatewaySettings: (actor: Actor) => getGatewaySettings(ctx, actor),
    setGatewaySettings: (actor: Actor, input: unknown) => setGatewaySettings(ctx, actor, input),
    sweep: (batch?: number) => sweepExpiredHolds(ctx, batch),
    promoteWaiting: () => promoteWaiting(ctx),
    prepareCharts: () => prepareCharts(ctx),
    reconcile: (opts?: { olderThanMs?: number }) => reconcilePending(ctx, opts),

    /** Creates the gateway's settings row from configuration if this database has none. */
    async init() {
      await ctx.gateway.ensureSettings({
        failureRate: deps.config.GATEWAY_FAILURE_RATE,
        latencyMs: deps.config.GATEWAY_LATENCY_MS,
        timeoutMs: deps.config.GATEWAY_TIMEOUT_MS,
      });
    },

    /**
     * The sweeper, the reconciler, the promotion job and the chart job; every node runs them all (they never
     * wait on each other).
     */
    startJobs() {
      jobs = [
        startIntervalJob('promotion', deps.config.PROMOTION_INTERVAL_MS, deps.log, () =>
          promoteWaiting(ctx),
        ),
        startIntervalJob('chart', deps.config.CHART_INTERVAL_MS, deps.log, () =>
          prepareCharts(ctx),
        ),
        startIntervalJob('expiry-sweeper', deps.config.SWEEP_INTERVAL_MS, deps.log, () =>
          sweepExpiredHolds(ctx),
        ),
        startIntervalJob('payment-reconciler', deps.config.RECONCILE_INTERVAL_MS, deps.log, () =>
          reconcilePending(ctx),
        ),
      ];
    },

    async stop() {
      await Promise.all(jobs.map((j) => j.stop()));
      jobs = [];
      await ctx.gateway.drain();
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
