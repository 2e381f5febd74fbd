/**
 * A run's watchers are also split into shards, in two tiers: a big run's deltas go out shard by
 * shard, 8 slices for a few hundred watchers on a node, 32 for thousands (see shardedPublish).
 */
export const RUN_SHARD_TIERS = [8, 32] as const;
export type RunShardTier = (typeof RUN_SHARD_TIERS)[number];

/** Socket.IO room names, built in one place so server and clients cannot disagree. */
export const rooms = {
  /** Everyone watching a run's seat map. */
  run: (runId: number) => `run:${runId}`,
  /**
   * One of a run's watcher shards: seat deltas go out shard by shard, so a broadcast to thousands
   * of watchers is split into slices between which the node serves other work (acks).
   */
  runShard: (runId: number, tier: RunShardTier, shard: number) => `run:${runId}#${tier}.${shard}`,
  /** Every device of one user. */
  user: (userId: number) => `user:${userId}`,
  admins: 'admins',
  kiosk: (stationCode: string) => `kiosk:${stationCode}`,
  demo: 'demo',
} as const;

/** A run's own room (not one of its shard rooms); the run id is the first group. */
export const RUN_ROOM_PATTERN = /^run:(\d+)$/;
