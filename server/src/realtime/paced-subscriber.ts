import type { Redis } from 'ioredis';

type Listener = (...args: unknown[]) => void;

/** The event on which ioredis hands the adapter each broadcast published by another node. */
const BROADCAST_EVENT = 'pmessageBuffer';

/**
 * Wraps the adapter's subscriber so that broadcasts from other nodes are delivered to local
 * sockets one per event-loop turn instead of back to back. A seat change goes out as one message
 * per watcher shard; Redis delivers a node's shards in one read, and writing all of them at once
 * (thousands of sockets) would keep commands and acks waiting behind the whole run's fan-out.
 * Order is kept: messages are queued and drained first in, first out.
 */
export function pacedSubscriber(sub: Redis): Redis {
  const queue: (() => void)[] = [];
  let draining = false;
  const drainOne = () => {
    queue.shift()?.();
    if (queue.length > 0) setImmediate(drainOne);
    else draining = false;
  };
  const wrapped = new WeakMap<Listener, Listener>();
  const pace = (listener: Listener): Listener => {
    const paced: Listener = (...args) => {
      queue.push(() => listener(...args));
      if (!draining) {
        draining = true;
        setImmediate(drainOne);
      }
    };
    wrapped.set(listener, paced);
    return paced;
  };
  return new Proxy(sub, {
    get(target, prop, receiver) {
      if (prop === 'on' || prop === 'addListener') {
        return (event: string, listener: Listener) =>
          target.on(event, event === BROADCAST_EVENT ? pace(listener) : listener);
      }
      if (prop === 'off' || prop === 'removeListener') {
        return (event: string, listener: Listener) =>
          target.off(event, wrapped.get(listener) ?? listener);
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
