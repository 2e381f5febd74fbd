import type { NodeStats } from '@berth/shared';
import type { Counter } from 'prom-client';
import type { Logger } from '../common/logger.ts';
import type { Metrics } from './metrics.ts';
import type { BerthServer } from './types.ts';

/** How long the cluster gets to answer; a node that is slower is left off the list. */
const ANSWER_TIMEOUT_MS = 1000;

export interface NodeStatsSource {
  /** This node's figures. */
  local(): Promise<NodeStats>;
  /** Every node that answers in time, this one first. */
  cluster(): Promise<NodeStats[]>;
}

/**
 * Per-node figures for the admin page. Each node answers 'node:stats' for itself, so the list
 * is live wherever the request lands. Without Redis (in-memory adapter) there is nobody to ask;
 * with Redis down nobody can be reached: both answer with this node alone.
 */
export function createNodeStats(deps: {
  io: BerthServer;
  metrics: Metrics;
  nodeId: string;
  transport: NodeStats['transport'];
  redis: () => NodeStats['redis'];
  startedAt: number;
  log: Logger;
}): NodeStatsSource {
  const local = async (): Promise<NodeStats> => ({
    nodeId: deps.nodeId,
    transport: deps.transport,
    redis: deps.redis(),
    connections: deps.io.of('/').sockets.size,
    commands: await total(deps.metrics.events),
    pushes: await total(deps.metrics.pushes),
    uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    rssBytes: process.memoryUsage.rss(),
  });

  deps.io.on('node:stats', (ack) => {
    local().then(ack, (err: unknown) => deps.log.warn({ err }, 'node:stats: no answer'));
  });

  async function peers(): Promise<NodeStats[]> {
    if (deps.redis() !== 'up') return [];
    // The Redis adapter calls back once every subscribed node has answered, or after its own
    // 5 s with the answers so far. A hung node must not hold the admin page that long: past our
    // shorter timeout the page shows this node alone (the adapter keeps partial answers to itself).
    return new Promise<NodeStats[]>((resolve) => {
      const timer = setTimeout(() => {
        deps.log.warn(`node:stats: no complete answer in ${ANSWER_TIMEOUT_MS} ms`);
        resolve([]);
      }, ANSWER_TIMEOUT_MS);
      deps.io.serverSideEmit('node:stats', (err: Error | null, stats: NodeStats[]) => {
        clearTimeout(timer);
        if (err) deps.log.warn({ err }, 'node:stats: not every node answered');
        resolve(stats);
      });
    });
  }

  return {
    local,
    async cluster() {
      const [mine, theirs] = await Promise.all([local(), peers()]);
      const others = new Map(
        theirs.filter((s) => s.nodeId !== mine.nodeId).map((s) => [s.nodeId, s]),
      );
      return [mine, ...[...others.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId))];
    },
  };
}

/** The sum of a counter over all its label values. */
async function total(counter: Counter<string>): Promise<number> {
  const { values } = await counter.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}
