import {
  authRenewSchema,
  RUN_ROOM_PATTERN,
  RUN_SHARD_TIERS,
  rooms,
  runUnwatchSchema,
  runWatchSchema,
  seatSelectSchema,
} from '@berth/shared';
import { DomainError } from '../common/errors.ts';
import { parse } from '../common/validate.ts';
import type { Engine } from '../engine.ts';
import { command, type CommandDeps } from './command.ts';
import type { SelectionMarks } from './selection-marks.ts';
import type { BerthSocket, TokenVerifier } from './types.ts';

/** A socket may watch this many runs at once (a search page watches its results). */
export const MAX_WATCHED_RUNS = 50;

export interface HandlerDeps extends CommandDeps {
  engine: Engine;
  auth: TokenVerifier;
  marks: SelectionMarks;
}

/** Thin handlers: validate, call the engine, ack. Pushes leave through the outbox relay. */
export function registerHandlers(socket: BerthSocket, deps: HandlerDeps) {
  const { engine, metrics } = deps;
  const on = <E extends Parameters<typeof command>[2]>(
    event: E,
    auth: boolean,
    run: Parameters<typeof command<E>>[4],
    onDone?: (s: number) => void,
  ) => command(socket, deps, event, { auth }, run, onDone);

  on('run:watch', false, async (payload, user) => {
    const req = parse(runWatchSchema, payload);
    const room = rooms.run(req.runId);
    if (!socket.rooms.has(room) && watchedRuns(socket) >= MAX_WATCHED_RUNS) {
      throw new DomainError(
        'VALIDATION',
        `A connection can watch at most ${MAX_WATCHED_RUNS} runs.`,
      );
    }
    // Join before reading: a change committed in between arrives as a delta the client can
    // discard by version, instead of being missed.
    await socket.join([room, ...shardRooms(req.runId, socket.id)]);
    try {
      const map = await engine.seatMap(user?.userId ?? null, req);
      return {
        ...map,
        serverNow: new Date().toISOString(),
        selecting: await deps.marks.current(req.runId),
      };
    } catch (err) {
      await leaveRun(socket, req.runId);
      throw err;
    }
  });

  on('run:unwatch', false, async (payload) => {
    const req = parse(runUnwatchSchema, payload);
    await leaveRun(socket, req.runId);
    return null;
  });

  on(
    'hold:create',
    true,
    (payload, user) => engine.hold(user!, payload),
    (s) => metrics.holdSeconds.observe(s),
  );
  on('booking:request', true, (payload, user) => engine.requestPlaces(user!, payload));
  on('hold:release', true, (payload, user) => engine.release(user!, payload));
  on(
    'booking:pay',
    true,
    (payload, user) => engine.pay(user!, payload),
    (s) => metrics.paySeconds.observe(s),
  );
  on('booking:cancel', true, (payload, user) => engine.cancel(user!, payload));

  on('seat:select', true, async (payload) => {
    const req = parse(seatSelectSchema, payload);
    const room = rooms.run(req.runId);
    if (!socket.rooms.has(room))
      throw new DomainError('VALIDATION', 'Watch the run before selecting its seats.');
    const until = await deps.marks.mark(socket.id, req.runId, req.seatId);
    if (!until)
      throw new DomainError('RATE_LIMITED', 'Slow down a little.', { retryAfterMs: 1000 });
    socket
      .to(room)
      .emit('seat:selecting', { runId: req.runId, seatId: req.seatId, until: until.toISOString() });
    return null;
  });

  on('auth:renew', false, async (payload) => {
    const { accessToken } = parse(authRenewSchema, payload);
    const claims = await deps.auth.verifyAccessToken(accessToken);
    if (socket.data.userId !== null && socket.data.userId !== claims.userId) {
      throw new DomainError(
        'FORBIDDEN',
        'That token belongs to another user; reconnect to switch.',
      );
    }
    socket.data = {
      userId: claims.userId,
      role: claims.role,
      familyId: claims.familyId,
      tokenExpiresAt: claims.expiresAt.getTime(),
    };
    await socket.join(rooms.user(claims.userId));
    if (claims.role === 'admin') await socket.join(rooms.admins);
    return { userId: claims.userId, expiresAt: claims.expiresAt.toISOString() };
  });
}

/** A socket's shard rooms of a run, one per tier: stable, and spread evenly over the shards. */
function shardRooms(runId: number, socketId: string): string[] {
  let h = 0;
  for (let i = 0; i < socketId.length; i++) h = (h * 31 + socketId.charCodeAt(i)) >>> 0;
  return RUN_SHARD_TIERS.map((tier) => rooms.runShard(runId, tier, h % tier));
}

async function leaveRun(socket: BerthSocket, runId: number) {
  await socket.leave(rooms.run(runId));
  for (const shard of shardRooms(runId, socket.id)) await socket.leave(shard);
}

function watchedRuns(socket: BerthSocket): number {
  let n = 0;
  for (const room of socket.rooms) if (RUN_ROOM_PATTERN.test(room)) n++;
  return n;
}
