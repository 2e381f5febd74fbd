import type { BookingView } from '@berth/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  redisServerAvailable,
  startLocalRedis,
  type LocalRedis,
} from '../../src/cluster/local-redis.ts';
import type { NodeProcess } from '../../src/cluster/spawn-node.ts';
import type { TestDb } from '../support/harness.ts';
import { holdInput, type TestRun } from '../support/fixtures.ts';
import { LiveMap, must, waitFor } from '../support/live.ts';
import { post, probe, register, useCluster } from './cluster-harness.ts';
/**
 * Real node processes on one PostgreSQL and one Redis (cluster-harness.ts), when parts go away:
 * a node shutting down, a node killed just after a commit, Redis stopped and started again.
 */
describe.skipIf(!redisServerAvailable())(
  'a cluster of real node processes sharing PostgreSQL and Redis: nodes and Redis going away',
  () => {
    const c = useCluster();
    const { open, start } = c;
    let a: NodeProcess, b: NodeProcess, run: TestRun, db: TestDb;
    let redis: LocalRedis;
    beforeAll(() => void ({ a, b, run, db, redis } = c));

    it('a node that shuts down closes its own clients only, not those of the other nodes', async () => {
      const leaving = await start('node-leaving');
      const onA = await open(a);
      const onLeaving = await open(leaving);
      const closed = new Promise<void>((resolve) => onLeaving.once('disconnect', () => resolve()));
      await leaving.stop();
      await closed;
      // A cluster-wide disconnect would reach node A through Redis about as fast.
      await new Promise((r) => setTimeout(r, 500));
      expect(onA.connected).toBe(true);
    });

    it('kill-after-commit: the change still reaches node B, and a client that was on the dead node converges on B', async () => {
      const doomed = await start('node-doomed', {
        BERTH_FAULT: 'kill-after-commit',
        BERTH_TEST_FAULTS: '1',
      });
      const watcherOnB = await LiveMap.watch(
        await open(b),
        run.runId,
        run.stops[0]!,
        run.stops[3]!,
      );
      const token = (await register(b, 'doomed-client')).accessToken;
      const client = await open(doomed, token);
      const clientMap = await LiveMap.watch(client, run.runId, run.stops[0]!, run.stops[3]!);
      const seat = run.seats.SL![30]!;
      const disconnected = new Promise<void>((resolve) =>
        client.once('disconnect', () => resolve()),
      );
      client.emit('hold:create', holdInput(run, [seat]), () => undefined);
      expect(await doomed.exited).toBeNull(); // killed by a signal, right after the commit
      await disconnected;
      await waitFor(
        () => watcherOnB.stateOf(seat) === 'held',
        5000,
        "node B's relay publishing the dead node's commit",
      );
      expect(clientMap.stateOf(seat)).toBe('free'); // it never heard
      const again = await open(b, token);
      const fresh = await LiveMap.watch(again, run.runId, run.stops[0]!, run.stops[3]!);
      expect(fresh.stateOf(seat)).toBe('yours');
      const dbMap = (await fetch(
        `${b.url}/api/runs/${run.runId}/seats?from=${run.stops[0]}&to=${run.stops[3]}`,
      ).then((r) => r.json())) as {
        data: { seats: { seatId: number; state: string; version: number }[] };
      };
      expect(fresh.normalised()).toEqual(
        Object.fromEntries(dbMap.data.seats.map((s) => [s.seatId, `${s.state}@${s.version}`])),
      );
    });

    it('Redis stopped: holds keep succeeding on every node; restarted: pushes cross nodes again and clients converge', async () => {
      const holderA = await open(a, (await register(a, 'during-outage-a')).accessToken);
      const holderB = await open(b, (await register(b, 'during-outage-b')).accessToken);
      const watcherOnA = await LiveMap.watch(
        await open(a),
        run.runId,
        run.stops[0]!,
        run.stops[3]!,
      );
      const watcherOnB = await LiveMap.watch(
        await open(b),
        run.runId,
        run.stops[0]!,
        run.stops[3]!,
      );
      await redis.stop();
      await waitFor(
        async () => {
          const health = (await fetch(`${a.url}/api/health`).then((r) => r.json())) as {
            data: { redis: { state: string } };
          };
          return health.data.redis.state === 'down';
        },
        5000,
        'node A to notice',
      );
      const duringA = await must<BookingView>(
        holderA,
        'hold:create',
        holdInput(run, [run.seats.SL![31]!]),
      );
      const duringB = await must<BookingView>(
        holderB,
        'hold:create',
        holdInput(run, [run.seats.SL![32]!]),
      );
      expect([duringA.status, duringB.status]).toEqual(['held', 'held']);
      // A sign-in revoked on A during the outage reaches B through PostgreSQL (B tails the outbox).
      const revokedDuring = await register(b, 'revoked-during-outage');
      const revokedOnB = await open(b, revokedDuring.accessToken);
      expect(await probe(revokedOnB)).toBe('NOT_FOUND');
      expect(
        (await post(a, '/api/auth/logout', { refreshToken: revokedDuring.refreshToken })).status,
      ).toBe(200);
      await waitFor(
        async () => (await probe(revokedOnB)) === 'UNAUTHENTICATED',
        5000,
        'the refusal on B without Redis',
      );
      // Without Redis, every node tails the outbox itself: both changes reach watchers on both nodes.
      for (const [watcher, seat] of [
        [watcherOnB, run.seats.SL![32]!],
        [watcherOnB, run.seats.SL![31]!],
        [watcherOnA, run.seats.SL![32]!],
      ] as const) {
        await waitFor(() => watcher.stateOf(seat) === 'held', 5000, 'a push during the outage');
      }

      redis = c.redis = await startLocalRedis(redis.port);
      await waitFor(
        async () => {
          const health = (await fetch(`${a.url}/api/health`).then((r) => r.json())) as {
            data: { redis: { state: string } };
          };
          return health.data.redis.state === 'up';
        },
        10_000,
        'node A to reconnect',
      );
      // A watcher that missed A's change converges: a fresh watch (what the digest triggers) shows it.
      const late = await LiveMap.watch(await open(b), run.runId, run.stops[0]!, run.stops[3]!);
      expect(late.stateOf(run.seats.SL![31]!)).toBe('held');
      // And a new change on A crosses to B again by push (B may take a moment to re-subscribe).
      const crosser = await open(a, (await register(a, 'after-outage')).accessToken);
      let crossed = false;
      for (let i = 0; i < 6 && !crossed; i++) {
        const seat = run.seats.SL![33 + i]!;
        const hold = await must<BookingView>(crosser, 'hold:create', holdInput(run, [seat]));
        crossed = await waitFor(
          () => late.stateOf(seat) === 'held',
          2000,
          'a cross-node push',
        ).then(
          () => true,
          () => false,
        );
        if (!crossed) await must(crosser, 'hold:release', { bookingId: hold.id });
      }
      expect(crossed).toBe(true);
      // The watchers connected all along, on both nodes, get pushes again too.
      const afterSeat = run.seats.SL![39]!;
      const another = await open(a, (await register(a, 'after-outage-2')).accessToken);
      await must<BookingView>(another, 'hold:create', holdInput(run, [afterSeat]));
      await waitFor(
        () => watcherOnA.stateOf(afterSeat) === 'held',
        5000,
        'a push on A after Redis',
      );
      await waitFor(
        () => watcherOnB.stateOf(afterSeat) === 'held',
        5000,
        'a push on B after Redis',
      );
      await db.assertIntegrity();
    });
  },
);
