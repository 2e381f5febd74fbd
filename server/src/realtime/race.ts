import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  raceStartSchema,
  raceWatchSchema,
  rooms,
  type RaceEntry,
  type RaceOrder,
  type RaceResult,
} from '@berth/shared';
import { DomainError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { parse } from '../common/validate.ts';
import type { Engine } from '../engine.ts';
import {
  clearDemoHolds,
  loadDemoStage,
  runShare,
  type DemoStage,
} from '../modules/demo/race.service.ts';
import { command, type CommandDeps } from './command.ts';
import type { BerthServer, BerthSocket } from './types.ts';

/** Contenders start this long after the order goes out, so every node starts them together. */
const START_DELAY_MS = 250;

/**
 * The race demo: N demo users hold one seat at the same instant, spread over the cluster's nodes
 * (round robin over the nodes that answer), and everyone in the demo room sees who won and how
 * long each waited inside the seat's row lock.
 */
export function createRaceDemo(deps: {
  io: BerthServer;
  engine: Engine;
  nodeId: string;
  /** Whether other nodes can be reached (Redis up). */
  shared: () => boolean;
  log: Logger;
}) {
  let stage: Promise<DemoStage> | undefined;
  const getStage = () =>
    (stage ??= loadDemoStage(deps.engine).catch((err: unknown) => {
      stage = undefined;
      throw err;
    }));

  deps.io.on('race:peer', (_raceId, ack) => ack(deps.nodeId));
  deps.io.on('race:run', (order, ack) => {
    getStage()
      .then((s) =>
        runShare(deps.engine, s, order, order.assignments[deps.nodeId] ?? [], deps.nodeId),
      )
      .then(ack, (err: unknown) => {
        deps.log.error({ err }, 'race share failed');
        ack([]);
      });
  });

  async function askPeers<T>(
    event: 'race:peer' | 'race:run',
    arg: string | RaceOrder,
    timeoutMs: number,
  ): Promise<T[]> {
    if (!deps.shared()) return [];
    try {
      const answers = (
        event === 'race:peer'
          ? deps.io.serverSideEmitWithAck('race:peer', arg as string)
          : deps.io.serverSideEmitWithAck('race:run', arg as RaceOrder)
      ) as Promise<T[]>;
      return await Promise.race([
        answers,
        sleep(timeoutMs).then(() => Promise.reject(new Error(`no answer in ${timeoutMs} ms`))),
      ]);
    } catch (err) {
      deps.log.warn({ err, event }, 'a node did not answer in time');
      return [];
    }
  }

  async function start(input: unknown): Promise<RaceResult> {
    const req = parse(raceStartSchema, input);
    const s = await getStage();
    if (!s.seatIds.has(req.seatId))
      throw new DomainError('VALIDATION', 'That seat is not on the demo train.');
    if (s.users.length < req.contenders)
      throw new DomainError('INVALID_STATE', 'Not enough demo users are seeded.');
    await clearDemoHolds(deps.engine, s);

    const raceId = randomUUID();
    const peers = (await askPeers<string>('race:peer', raceId, 1000)).filter(
      (p) => p !== deps.nodeId,
    );
    const nodes = [deps.nodeId, ...new Set(peers)];
    const assignments: Record<string, number[]> = Object.fromEntries(nodes.map((n) => [n, []]));
    for (let i = 0; i < req.contenders; i++) assignments[nodes[i % nodes.length]!]!.push(i);
    const order: RaceOrder = {
      raceId,
      seatId: req.seatId,
      startAt: Date.now() + START_DELAY_MS,
      assignments,
    };

    const [mine, theirs] = await Promise.all([
      runShare(deps.engine, s, order, assignments[deps.nodeId]!, deps.nodeId),
      peers.length ? askPeers<RaceEntry[]>('race:run', order, 15_000) : Promise.resolve([]),
    ]);
    // In the order the seat's lock let them through (PostgreSQL's clock, the same for every
    // node); contenders refused before the lock come last, by name.
    const entries = [...mine, ...theirs.flat()].sort(
      (a, b) =>
        (a.lockedAt ?? '~').localeCompare(b.lockedAt ?? '~') ||
        a.contender.localeCompare(b.contender),
    );
    const result: RaceResult = {
      raceId,
      runId: s.runId,
      seatId: req.seatId,
      winner: entries.find((e) => e.outcome === 'WON')?.contender ?? null,
      entries,
      startedAt: new Date(order.startAt).toISOString(),
      finishedAt: new Date().toISOString(),
    };
    deps.io.to(rooms.demo).emit('race:finished', result);
    return result;
  }

  /** The demo's socket commands. */
  function register(socket: BerthSocket, commandDeps: CommandDeps) {
    command(socket, commandDeps, 'race:watch', { auth: false }, async (payload) => {
      parse(raceWatchSchema, payload ?? {});
      const s = await getStage();
      await socket.join(rooms.demo);
      return { runId: s.runId, from: s.from, to: s.to };
    });
    command(socket, commandDeps, 'race:start', { auth: true }, (payload) => start(payload));
  }

  /** The demo users' ids (empty when the demo was not seeded). */
  async function demoUserIds(): Promise<number[]> {
    return (await getStage()).users;
  }

  /** Demo contender `n` (1-based): the split screen signs in as two of them. */
  async function contender(n: number): Promise<number> {
    const userId = (await getStage()).users[n - 1];
    if (userId === undefined) throw new DomainError('NOT_FOUND', 'No such demo contender.');
    return userId;
  }

  /**
   * Before a demo user's own hold (the split screen). Anyone may act as a demo user (and demo
   * users are exempt from rate limits), so a demo user may hold seats of the demo run only. And
   * each of their holds starts from a clean slate: what they still hold there from an earlier
   * race (a crowd race's winner, say) is let go first, so a duel is decided by the seat's lock,
   * never by the one-journey-per-passenger rule.
   */
  async function prepareDemoHold(userId: number, payload: unknown): Promise<void> {
    const s = await getStage().catch(() => null);
    if (!s || !s.users.includes(userId)) return;
    const runId = (payload as { runId?: unknown } | null)?.runId;
    if (runId !== s.runId)
      throw new DomainError('FORBIDDEN', 'Demo users only race on the demo train.');
    await clearDemoHolds(deps.engine, s, [userId]);
  }

  return { register, start, demoUserIds, contender, prepareDemoHold };
}

export type RaceDemo = ReturnType<typeof createRaceDemo>;
