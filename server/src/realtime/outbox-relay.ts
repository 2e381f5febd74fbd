import { rooms, type RunShardTier, type SeatDelta } from '@berth/shared';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger.ts';
import { logFailure } from '../common/unavailable.ts';
import { query } from '../common/sql.ts';
import { isNodeEvent, type NodeEvent } from '../modules/audit/outbox-push.ts';
import type { Metrics } from './metrics.ts';
import { RelayConnection } from './relay-connection.ts';

/** Where the relay sends what it read: Socket.IO rooms, through the adapter or locally. */
export type Publish = (room: string, event: string, payload: unknown) => void | Promise<void>;

/** Where a node event goes: a handler on every node, or on this one alone (see startOutboxRelay). */
export type Announce = (event: NodeEvent, payload: unknown) => void | Promise<void>;

/** What a relay hands rows to: pushes go to rooms, node events to the nodes' handlers. */
export interface RelayTarget {
  publish: Publish;
  announce: Announce;
}

interface OutboxRow {
  id: string;
  event: string;
  room: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

const BATCH = 1000;

/**
 * A woken relay ticks at most this often: the batching window. Every tick is one `seats:changed`
 * batch per run to every watcher, so waking on each commit of a rush would multiply the frames
 * every socket is sent (measured with 1,000 watchers: a 25 ms gap halved the sustained hold rate
 * against the 50 ms poll). A first change after a quiet spell is pushed at once; under a rush the
 * relay publishes every 50 ms, as the poll did, each tick one batch.
 */
const WAKE_GAP_MS = 50;

/**
 * Pushes committed outbox events to their rooms. Every node runs one; `FOR UPDATE SKIP LOCKED`
 * lets them share the table without waiting, and whichever node is alive publishes, so a change
 * is pushed even if the node that committed it died. Rows are marked in the same transaction that
 * read them, after publishing: a crash in between publishes them twice (never zero times), which
 * clients absorb because every seat delta carries its version.
 */
export async function relayOutboxOnce(
  conn: RelayConnection,
  target: RelayTarget,
  metrics: Metrics | null,
): Promise<number> {
  return conn.transaction(async (tx) => {
    const rows = await query<OutboxRow>(
      tx,
      `select id, event, room, payload, created_at from outbox
        where published_at is null order by id limit ? for update skip locked`,
      [BATCH],
    );
    if (rows.length === 0) return 0;
    await publishRows(rows, target, metrics);
    await query(tx, `update outbox set published_at = now() where id = any(?)`, [
      rows.map((r) => r.id),
    ]);
    metrics?.outboxPublished.inc(rows.length);
    return rows.length;
  });
}

/**
 * While Redis is down a node cannot reach the others' sockets, and whichever relay took a row
 * would reach only its own. So every node tails the unpublished rows itself, without locking or
 * marking them, and pushes them to its own sockets: PostgreSQL carries the changes between nodes
 * until Redis returns and the shared relay publishes the backlog (duplicates are harmless).
 * Returns the highest id pushed: the cursor for the next call.
 */
export async function tailOutboxLocally(
  conn: RelayConnection,
  local: RelayTarget,
  after: number,
): Promise<number> {
  const rows = await query<OutboxRow>(
    await conn.statements(),
    `select id, event, room, payload, created_at from outbox
      where published_at is null and id > ? order by id limit ?`,
    [after, BATCH],
  );
  await publishRows(rows, local, null);
  return rows.length ? Number(rows[rows.length - 1]!.id) : after;
}

/**
 * A tick's `seats:changed` rows are merged per room into one batch (the newest version of each
 * seat), so a rush of changes reaches a watcher as one message per tick, not one per change.
 */
async function publishRows(
  rows: OutboxRow[],
  { publish, announce }: RelayTarget,
  metrics: Metrics | null,
) {
  const seatBatches = new Map<
    string,
    { runId: number; seats: Map<number, SeatDelta>; committedAt: Date }
  >();
  for (const row of rows) {
    if (isNodeEvent(row.event)) {
      await announce(row.event, row.payload);
      continue;
    }
    if (row.event !== 'seats:changed') {
      await publish(row.room, row.event, row.payload);
      metrics?.pushes.inc({ event: row.event });
      continue;
    }
    const payload = row.payload as { runId: number; seats: SeatDelta[] };
    let merged = seatBatches.get(row.room);
    if (!merged) {
      merged = { runId: payload.runId, seats: new Map(), committedAt: row.created_at };
      seatBatches.set(row.room, merged);
    }
    for (const seat of payload.seats) {
      const seen = merged.seats.get(seat.seatId);
      if (!seen || seen.version < seat.version) merged.seats.set(seat.seatId, seat);
    }
    if (row.created_at > merged.committedAt) merged.committedAt = row.created_at;
  }
  for (const [room, merged] of seatBatches) {
    await publish(room, 'seats:changed', {
      runId: merged.runId,
      seats: [...merged.seats.values()],
      committedAt: new Date(merged.committedAt).toISOString(),
    });
    metrics?.pushes.inc({ event: 'seats:changed' });
  }
}

/** Age in seconds of the oldest unpublished event (0 when none), for the lag metric. */
export async function outboxLagSeconds(conn: RelayConnection): Promise<number> {
  const [row] = await query<{ lag: number | null }>(
    await conn.statements(),
    `select extract(epoch from now() - min(created_at))::float8 as lag from outbox where published_at is null`,
  );
  return Math.max(0, row?.lag ?? 0);
}

/**
 * Runs the relay every `intervalMs` until stopped, on a connection of its own (see
 * RelayConnection); a failed tick is logged and retried.
 *
 * `wake()` runs a tick soon: the engine calls it after each commit that wrote outbox rows, so this
 * node pushes its own changes without waiting for the poll. Wakes coalesce: at most one tick per
 * WAKE_GAP_MS. The poll stays, as the fallback for rows whose node died before its relay read
 * them (any relay publishes any node's rows).
 *
 * Node events must reach every node however rows travel. While `shared()`, one relay takes each
 * row, so its `everywhere.announce` must reach the other nodes too (through the adapter) as well
 * as run here; otherwise every node tails the outbox and its `local.announce` runs here alone.
 * A switch between the two (Redis lost or back) may drop an announcement in flight, so
 * `onModeChange` lets the node catch up from the database.
 */
export function startOutboxRelay(opts: {
  orm: MikroORM;
  everywhere: RelayTarget;
  /** This node's sockets and handlers only; used while `shared()` is false. */
  local: RelayTarget;
  /** Whether the adapter reaches the other nodes now (always true without Redis). */
  shared: () => boolean;
  onModeChange?: () => Promise<void>;
  metrics: Metrics;
  log: Logger;
  intervalMs: number;
}) {
  const conn = new RelayConnection(opts.orm, opts.log);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** When the timer fires (Infinity: none set), and whether a commit asked for it. */
  let nextAt = Infinity;
  let nextByWake = false;
  let ticking = false;
  let wakeRequested = false;
  /** When the last tick that published anything started. */
  let lastPublished = -Infinity;
  let running: Promise<void> = Promise.resolve();
  let ticks = 0;
  let localCursor = 0;
  let wasShared: boolean | undefined;
  /** Publishes what is waiting; answers whether anything was. */
  const work = async (): Promise<boolean> => {
    const shared = opts.shared();
    if (wasShared !== undefined && shared !== wasShared) await opts.onModeChange?.();
    wasShared = shared;
    let published = 0;
    if (shared) {
      localCursor = 0;
      // Drain: a full batch means more is waiting, so go again at once.
      for (let n = BATCH; !stopped && n >= BATCH; published += n) {
        n = await relayOutboxOnce(conn, opts.everywhere, opts.metrics);
      }
    } else {
      const before = localCursor;
      localCursor = await tailOutboxLocally(conn, opts.local, localCursor);
      published = localCursor === before ? 0 : 1;
    }
    if (++ticks % 20 === 0) opts.metrics.outboxLag.set(await outboxLagSeconds(conn));
    return published > 0;
  };
  /** Runs the next tick at `at` (performance.now() time), unless one is due sooner. */
  const schedule = (at: number, byWake: boolean) => {
    if (stopped || at >= nextAt) return;
    clearTimeout(timer);
    nextAt = at;
    nextByWake = byWake;
    timer = setTimeout(
      () => {
        nextAt = Infinity;
        if (nextByWake) opts.metrics.relayWakes.inc();
        running = tick();
      },
      Math.max(0, at - performance.now()),
    );
  };
  const tick = async () => {
    ticking = true;
    wakeRequested = false;
    const startedAt = performance.now();
    try {
      // Only a tick that published starts the batching window: an empty poll does not delay a push.
      if (await work()) lastPublished = startedAt;
    } catch (err) {
      logFailure(opts.log, err, {}, 'outbox relay tick failed');
    }
    ticking = false;
    if (wakeRequested) schedule(lastPublished + WAKE_GAP_MS, true);
    else schedule(performance.now() + opts.intervalMs, false);
  };
  running = tick();
  return {
    /**
     * A commit wrote outbox rows: publish now, or WAKE_GAP_MS after the last tick that published
     * started (the commits in between go out together), or right after the tick under way.
     */
    wake() {
      if (stopped) return;
      if (ticking) {
        wakeRequested = true;
        return;
      }
      schedule(Math.max(performance.now(), lastPublished + WAKE_GAP_MS), true);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await conn.close();
    },
  };
}

type Emitter = { emit: (event: string, payload: unknown) => boolean };

/**
 * Watchers of a run on the publishing node from which its deltas go out in 8 slices, and from
 * which in 32; below the first, as one broadcast.
 */
export const SHARD_FROM_WATCHERS = 256;
export const FINE_SHARDS_FROM_WATCHERS = 1500;

/**
 * Publishes through Socket.IO rooms. A big run's seat deltas go to its watcher shards one after
 * another, yielding to the event loop in between: a broadcast to thousands of sockets then never
 * holds a node's acks for long (each of a hold's database round trips waits at most one slice).
 * Slices cost a message and a loop turn each, so a small run gets one broadcast and a mid-sized
 * run 8 slices. The publishing node's own count stands in for the cluster's (the balancer spreads
 * sockets evenly); if it is off, delivery is still complete, only sliced differently.
 */
export function shardedPublish(
  to: (room: string) => unknown,
  localWatchers: (room: string) => number,
): Publish {
  const emitter = (room: string) => to(room) as Emitter;
  return async (room, event, payload) => {
    if (event !== 'seats:changed') {
      emitter(room).emit(event, payload);
      return;
    }
    const runId = (payload as { runId: number }).runId;
    const watchers = localWatchers(rooms.run(runId));
    if (watchers < SHARD_FROM_WATCHERS) {
      emitter(rooms.run(runId)).emit(event, payload);
      return;
    }
    const tier: RunShardTier = watchers < FINE_SHARDS_FROM_WATCHERS ? 8 : 32;
    for (let shard = 0; shard < tier; shard++) {
      emitter(rooms.runShard(runId, tier, shard)).emit(event, payload);
      await yieldToLoop();
    }
  };
}
