import os from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { demoEnabled, type Config } from './config/env.ts';
import type { Logger } from './common/logger.ts';
import { query } from './common/sql.ts';
import { createEngine } from './engine.ts';
import type { TestHooks } from './engine-context.ts';
import { createHttpRouter } from './http/create-router.ts';
import { DEFAULT_WEB_DIR, StaticSite } from './http/static-site.ts';
import { createApiReference } from './http/reference/api-reference.ts';
import { startIntervalJob, type IntervalJob } from './jobs/interval-job.ts';
import { pruneOutbox } from './jobs/outbox-pruner.ts';
import { warnExpiringHolds } from './jobs/expiry-warnings.ts';
import { createAuthService } from './modules/auth/auth.service.ts';
import { sendDigests } from './realtime/digest.ts';
import { createMetrics } from './realtime/metrics.ts';
import { createNodeStats } from './realtime/node-stats.ts';
import { shardedPublish, startOutboxRelay } from './realtime/outbox-relay.ts';
import { poolWaiters } from './common/overload.ts';
import { createSocketServer } from './realtime/socket-server.ts';
import { sessionRevocationHandler } from './realtime/session-revocations.ts';
import type { NodeEvent } from './modules/audit/outbox-push.ts';
import type { HealthReport, SessionRevoked } from '@berth/shared';
import { listenOn, type Listening } from './realtime/listen.ts';
import { chooseTransport } from './realtime/uws-loader.ts';
import { connectRedis } from './realtime/redis.ts';
import { createRaceDemo, type RaceDemo } from './realtime/race.ts';
import { RateLimits, parseRateLimits } from './common/rate-limits.ts';

export interface AppDeps {
  orm: MikroORM;
  config: Config;
  log: Logger;
  hooks?: TestHooks;
}

/** Pruning is housekeeping: every ten minutes is plenty, whatever the retention. */
const OUTBOX_PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Builds one Berth node: engine, auth, HTTP router, Socket.IO server, and the background jobs
 * (sweeper, reconciler, outbox relay and pruner, digests, expiry warnings). Wires everything;
 * listens only when asked.
 */
export function createApp(deps: AppDeps) {
  const { orm, config, log } = deps;
  const transport = chooseTransport(config.BERTH_TRANSPORT);
  const nodeId = config.NODE_ID ?? `${os.hostname()}-${process.pid}-${config.PORT}`;
  const metrics = createMetrics({ poolWaiters: () => poolWaiters(orm) });
  const hooks: TestHooks = { ...deps.hooks };
  const killAfterCommit = config.BERTH_FAULT === 'kill-after-commit';
  if (killAfterCommit) {
    // Fault injection (tests only): die the instant a change is committed, before any relay of
    // this node could publish it; other nodes' relays must.
    hooks.afterCommit = () => {
      log.warn('fault kill-after-commit: SIGKILL');
      process.kill(process.pid, 'SIGKILL');
    };
  }
  // Each commit that wrote outbox rows wakes this node's relay, which is started by listen().
  let relay: ReturnType<typeof startOutboxRelay> | undefined;
  const wakeRelay = () => relay?.wake();
  const engine = createEngine({ orm, config, log, hooks, wakeRelay });
  const auth = createAuthService({
    orm,
    config,
    log,
    jwtSecret: config.JWT_SECRET,
    wakeRelay,
  });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, log) : null;
  // Counted in Redis, shared by every node; in this node's memory while Redis is down.
  // The race demo's users are exempt: a race of 50 must never be throttled.
  const demoUsers = new Set<number>();
  const limits = new RateLimits(
    parseRateLimits(config.RATE_LIMITS),
    redis?.command ?? null,
    (userId) => demoUsers.has(userId),
  );
  // Anyone may act as a demo user (the race demo's split screen): they hold on the demo run only,
  // one seat at a time.
  const socketEngine: typeof engine = {
    ...engine,
    hold: async (actor, input, probe) => {
      await race?.prepareDemoHold(actor.userId, input);
      return engine.hold(actor, input, probe);
    },
  };
  const io = createSocketServer({
    engine: socketEngine,
    auth,
    log,
    metrics,
    allowedOrigins: config.ALLOWED_ORIGINS,
    maxSocketsPerUser: config.MAX_SOCKETS_PER_USER,
    limits,
    revoked: auth.isRevoked,
    redis: redis?.command ?? null,
    extraHandlers: (socket) =>
      race?.register(socket, { log, metrics, limits, revoked: auth.isRevoked }),
  });
  redis?.attach(io);
  // A revoked sign-in, from whichever relay read it: another node's arrives through the adapter.
  const sessionRevoked = sessionRevocationHandler({
    io,
    remember: (event) => auth.sessionRevoked(event),
    log,
  });
  io.on('session:revoked', sessionRevoked);
  const shared = () => !redis || redis.state() === 'up';
  const race: RaceDemo | undefined = demoEnabled(config)
    ? // Other nodes exist to share a race only through Redis; alone, the node races by itself.
      createRaceDemo({ io, engine, nodeId, shared: () => redis?.state() === 'up', log })
    : undefined;
  const startedAt = Date.now();
  const nodes = createNodeStats({
    io,
    metrics,
    nodeId,
    transport: transport.kind,
    redis: () => (redis ? redis.state() : 'none'),
    startedAt,
    log,
  });
  const site = new StaticSite(config.BERTH_WEB_DIR ?? DEFAULT_WEB_DIR);

  const health = async (): Promise<HealthReport> => {
    const started = performance.now();
    const database = await query(orm.em.fork(), 'select 1')
      .then(() => ({ state: 'up' as const, latencyMs: Math.round(performance.now() - started) }))
      .catch((err: unknown) => ({
        state: 'down' as const,
        error: (err as Error).message.split('\n')[0],
      }));
    return {
      ok: database.state === 'up',
      nodeId,
      transport:
        transport.kind === 'uws'
          ? `uWebSockets.js (${transport.build})`
          : `node:http (${transport.reason})`,
      adapter: redis ? 'redis' : 'in-memory (single node: REDIS_URL unset)',
      database,
      redis: !redis
        ? { state: 'not configured' }
        : redis.state() === 'up'
          ? { state: 'up' }
          : {
              state: 'down',
              effect: 'pushes travel between nodes through PostgreSQL; rate limits are per node',
            },
      sockets: io.of('/').sockets.size,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
  };

  const router = createHttpRouter(
    {
      engine,
      auth,
      health: { health, metricsText: () => metrics.registry.metrics() },
      nodes,
      reference: createApiReference(),
      demo: race,
    },
    { log, limits, trustProxy: config.TRUST_PROXY },
  );

  let jobs: { stop(): Promise<void> }[] = [];
  let listening: Listening | undefined;

  return {
    engine,
    limits,
    auth,
    io,
    metrics,
    nodeId,
    transport,
    health,
    router,

    /** Starts the background jobs and listens on `port` (0: any free port). */
    async listen(port = config.PORT): Promise<{ port: number }> {
      await engine.init();
      engine.startJobs();
      if (race) for (const id of await race.demoUserIds().catch(() => [])) demoUsers.add(id);
      const localWatchers = (room: string) => io.of('/').adapter.rooms.get(room)?.size ?? 0;
      const publish = shardedPublish((room) => io.to(room), localWatchers);
      const publishLocal = shardedPublish((room) => io.local.to(room), localWatchers);
      // One relay reads each row while the adapter reaches every node: it hands a node event to
      // the other nodes (serverSideEmit skips the sender) and to this one. Alone (no Redis) there
      // are no others; while Redis is down every node tails the outbox and handles its own.
      const announceLocal = (_event: NodeEvent, payload: unknown) => sessionRevoked(payload);
      const announce = (event: NodeEvent, payload: unknown) => {
        if (redis) io.serverSideEmit(event, payload as SessionRevoked);
        announceLocal(event, payload);
      };
      await auth.loadRevocations();
      const intervalJobs: IntervalJob[] = [
        startIntervalJob('digests', config.DIGEST_INTERVAL_MS, log, () => sendDigests(orm, io)),
        startIntervalJob('expiry-warnings', 1000, log, () => warnExpiringHolds(engine.context)),
        startIntervalJob('outbox-pruner', OUTBOX_PRUNE_INTERVAL_MS, log, () =>
          pruneOutbox(orm, config.OUTBOX_RETENTION_HOURS),
        ),
      ];
      // Under kill-after-commit this node must not publish its own commit: no relay here.
      relay = killAfterCommit
        ? undefined
        : startOutboxRelay({
            orm,
            everywhere: { publish, announce },
            local: { publish: publishLocal, announce: announceLocal },
            shared,
            onModeChange: () => auth.loadRevocations(),
            metrics,
            log,
            intervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
          });
      jobs = relay ? [relay, ...intervalJobs] : intervalJobs;
      listening = await listenOn(transport, io, router, site, port);
      log.info(
        {
          nodeId,
          port: listening.port,
          transport: transport.kind,
          ...(transport.kind === 'uws' ? { build: transport.build } : { reason: transport.reason }),
        },
        `Berth node ${nodeId} listening on http://localhost:${listening.port} (${transport.kind === 'uws' ? 'uWebSockets.js' : "Node's http"}, ${redis ? 'Redis' : 'in-memory'} adapter)`,
      );
      return { port: listening.port };
    },

    /** Stops accepting, closes sockets, stops the jobs and the engine. Leaves the ORM open. */
    async close() {
      await Promise.all(jobs.map((j) => j.stop()));
      jobs = [];
      relay = undefined;
      await listening?.close();
      listening = undefined;
      await engine.stop();
      await redis?.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
