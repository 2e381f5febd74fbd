import client from 'prom-client';

/** One registry per app, so several in one process (tests) do not collide. */
export function createMetrics() {
  const registry = new client.Registry();
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
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
