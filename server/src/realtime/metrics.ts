import { monitorEventLoopDelay } from 'node:perf_hooks';
import client from 'prom-client';

/**
 * One registry per app, so several in one process (tests) do not collide. `poolWaiters` reads
 * how many requests wait for a database connection, for the gauge of the same name.
 */
export function createMetrics(opts: { poolWaiters?: () => number } = {}) {
  const registry = new client.Registry();
  new client.Gauge({
    name: 'berth_db_pool_waiters',
    help: 'Requests of this node waiting for a database connection (commands past OVERLOAD_QUEUE_DEPTH are turned away)',
    registers: [registry],
    collect() {
      this.set(opts.poolWaiters?.() ?? 0);
    },
  });
  // The event loop's delay since the last scrape: the time every ack and push on this node waits.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  new client.Gauge({
    name: 'berth_event_loop_lag_seconds',
    help: 'p99 of this node event loop delay since the previous scrape',
    registers: [registry],
    collect() {
      this.set(loopDelay.count > 0 ? loopDelay.percentile(99) / 1e9 : 0);
      loopDelay.reset();
    },
  });
  const sockets = new client.Gauge({
    name: 'berth_sockets',
    help: 'Open Socket.IO connections on this node',
    registers: [registry],
  });
  const events = new client.Counter({
    name: 'berth_events_total',
    help: 'Client commands received, by event name',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const acks = new client.Counter({
    name: 'berth_acks_total',
    help: 'Command acknowledgements, by event and code (OK for success)',
    labelNames: ['event', 'code'] as const,
    registers: [registry],
  });
  const pushes = new client.Counter({
    name: 'berth_pushes_total',
    help: 'Messages this node published to rooms, by event',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const buckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const holdSeconds = new client.Histogram({
    name: 'berth_hold_seconds',
    help: 'hold:create latency from receipt to ack',
    buckets,
    registers: [registry],
  });
  const paySeconds = new client.Histogram({
    name: 'berth_pay_seconds',
    help: 'booking:pay latency from receipt to ack (includes the gateway)',
    buckets,
    registers: [registry],
  });
  const outboxLag = new client.Gauge({
    name: 'berth_outbox_lag_seconds',
    help: 'Age of the oldest unpublished outbox event, as last seen by this node relay',
    registers: [registry],
  });
  const outboxPublished = new client.Counter({
    name: 'berth_outbox_published_total',
    help: 'Outbox events this node relay published',
    registers: [registry],
  });
  const relayWakes = new client.Counter({
    name: 'berth_outbox_relay_wakes_total',
    help: 'Relay ticks run at once because this node committed outbox rows (not by the poll)',
    registers: [registry],
  });
  return {
    registry,
    sockets,
    events,
    acks,
    pushes,
    holdSeconds,
    paySeconds,
    outboxLag,
    outboxPublished,
    relayWakes,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
