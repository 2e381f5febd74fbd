import { createAdapter } from '@socket.io/redis-adapter';
import { pacedSubscriber } from './paced-subscriber.ts';
import { Redis } from 'ioredis';
import type { Logger } from '../common/logger.ts';
import type { BerthServer } from './types.ts';

export interface RedisLink {
  /** 'up' while both connections are ready. */
  state(): 'up' | 'down';
  /** Puts the Redis adapter on a Socket.IO server. */
  attach(io: BerthServer): void;
  /** A client for commands (rate limits, marks); fails fast while Redis is down. */
  command: Redis;
  close(): Promise<void>;
}

/**
 * Connects the node to Redis and puts the Redis adapter on the Socket.IO server. Losing Redis
 * must not stop booking: publishes made while it is down are dropped (clients that miss them
 * notice through the digest and re-snapshot), nothing queues up in memory, and ioredis keeps
 * reconnecting and re-subscribing on its own, so cross-node pushes resume by themselves.
 */
export function connectRedis(url: string, log: Logger): RedisLink {
  const options = {
    // Never give up reconnecting; back off to one attempt a second.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  };
  const pub = new Redis(url, { ...options, connectionName: 'berth-pub' });
  const sub = new Redis(url, { ...options, connectionName: 'berth-sub', enableOfflineQueue: true });
  const command = new Redis(url, { ...options, connectionName: 'berth-cmd' });
  let lastState: 'up' | 'down' | undefined;
  const state = () => (pub.status === 'ready' && sub.status === 'ready' ? 'up' : 'down');
  const report = () => {
    const now = state();
    if (now === lastState) return;
    lastState = now;
    if (now === 'up') log.info('Redis reachable: cross-node pushes on');
    else log.warn('Redis unreachable: this node keeps booking; pushes reach its own sockets only');
  };
  for (const client of [pub, sub, command]) {
    client.on('error', () => undefined); // reported through state(), not as an unhandled error
    client.on('ready', report);
    client.on('end', report);
    client.on('close', report);
  }
  // The adapter fires publishes without awaiting them: swallow the refusals while Redis is down.
  const safePub = new Proxy(pub, {
    get(target, prop, receiver) {
      if (prop === 'publish') {
        return (...args: Parameters<Redis['publish']>) => target.publish(...args).catch(() => 0);
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return {
    state,
    attach: (io) => {
      io.adapter(createAdapter(safePub, pacedSubscriber(sub), { key: 'berth' }));
    },
    command,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit(), command.quit()]);
    },
  };
}
