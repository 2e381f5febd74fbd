/** How many shards a run's watchers are split into. */
export const RUN_SHARDS = 32;

/** Socket.IO room names, built in one place so server and clients cannot disagree. */
export const rooms = {
  /** Everyone watching a run's seat map. */
  run: (runId: number) => `run:${runId}`,
  /**
   * One of a run's watcher shards: seat deltas go out shard by shard, so a broadcast to thousands
   * of watchers is split into slices between which the node serves other work (acks).
   */
  runShard: (runId: number, shard: number) => `run:${runId}#${shard}`,
  /** Every device of one user. */
  user: (userId: number) => `user:${userId}`,
  admins: 'admins',
  kiosk: (stationCode: string) => `kiosk:${stationCode}`,
  demo: 'demo',
} as const;
