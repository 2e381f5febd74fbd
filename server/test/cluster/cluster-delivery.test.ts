import { bookingUpdatedSchema } from '@berth/shared';
import type {
  AuthTokens,
  BookingView,
  DemoInfo,
  NodeStats,
  RaceResult,
  RunSnapshot,
} from '@berth/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { redisServerAvailable } from '../../src/cluster/local-redis.ts';
import type { NodeProcess } from '../../src/cluster/spawn-node.ts';
import { DEMO_USERS } from '../../src/db/seeders/seed.ts';
import type { TestDb } from '../support/harness.ts';
import { holdInput, key, type TestRun } from '../support/fixtures.ts';
import { ask, connect, LiveMap, must, waitFor, type ClientSocket } from '../support/live.ts';
import { post, probe, register, signInAdmin, useCluster } from './cluster-harness.ts';
/**
 * Real node processes on one PostgreSQL and one Redis (cluster-harness.ts): pushes, revoked
 * sign-ins, admin views, races, selection marks and rate limits cross from one node to another.
 * Nodes that die and a Redis that stops: cluster-failure.test.ts.
 */
describe.skipIf(!redisServerAvailable())(
  'a cluster of real node processes sharing PostgreSQL and Redis: what crosses nodes',
  () => {
    const c = useCluster();
    const { open, start } = c;
    let a: NodeProcess, b: NodeProcess, run: TestRun, db: TestDb;
    beforeAll(() => void ({ a, b, run, db } = c));

    it('a watcher on node B receives a hold made on node A', async () => {
      const watcher = await LiveMap.watch(await open(b), run.runId, run.stops[0]!, run.stops[3]!);
      const holder = await open(a, (await register(a, 'holder')).accessToken);
      const seat = run.seats.SL![0]!;
      await must<BookingView>(holder, 'hold:create', holdInput(run, [seat]));
      await waitFor(() => watcher.stateOf(seat) === 'held', 5000, 'the delta on node B');
    });

    it('every transition that changes what a seat shows is pushed: a watcher on node B follows each one, and agrees with a fresh snapshot', async () => {
      const short = await start('node-short-holds', { HOLD_SECONDS: '2' });
      try {
        const watcher = await LiveMap.watch(await open(b), run.runId, run.stops[0]!, run.stops[3]!);
        const session = await register(a, 'walker');
        const owner = await open(a, session.accessToken);
        const updates: unknown[] = [];
        owner.on('booking:updated', (u) => updates.push(u));
        const adminToken = await signInAdmin(b);
        const gateway = (settings: {
          failureRate?: number;
          latencyMs?: number;
          timeoutMs?: number;
        }) =>
          fetch(`${b.url}/api/admin/gateway`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
            body: JSON.stringify(settings),
          });
        const agreesWithFresh = async (seat: number, what: string) => {
          const fresh = await LiveMap.watch(await open(b), run.runId, run.stops[0]!, run.stops[3]!);
          expect(watcher.normalised()[seat], what).toBe(fresh.normalised()[seat]);
        };
        /** After `act`, the watcher shows `state` for `seat` at a newer version, as a fresh watch does. */
        const step = async <T>(
          what: string,
          seat: number,
          state: string,
          act: () => Promise<T>,
        ) => {
          const before = watcher.seats.get(seat)!.version;
          const result = await act();
          await waitFor(() => watcher.stateOf(seat) === state, 8000, `${what} on node B`);
          expect(watcher.seats.get(seat)!.version, what).toBeGreaterThan(before);
          await agreesWithFresh(seat, what);
          return result;
        };
        const seats = [10, 11, 12, 13, 14].map((i) => run.seats.CC![i]!);
        const [paid, released, declined, lapsed, outlived] = seats as [
          number,
          number,
          number,
          number,
          number,
        ];
        const hold = (seat: number, socket = owner) =>
          must<BookingView>(socket, 'hold:create', holdInput(run, [seat]));

        // (new) -> held -> paying -> confirmed -> cancelled
        const first = await step('a hold', paid, 'held', () => hold(paid));
        await step('a confirmed payment', paid, 'booked', () =>
          must(owner, 'booking:pay', { bookingId: first.id, idempotencyKey: key('pay') }),
        );
        await step('a cancellation', paid, 'free', () =>
          must(owner, 'booking:cancel', { bookingId: first.id, idempotencyKey: key('cancel') }),
        );

        // held -> released
        const second = await step('a hold', released, 'held', () => hold(released));
        await step('a release', released, 'free', () =>
          must(owner, 'hold:release', { bookingId: second.id }),
        );

        // held -> paying -> held (declined): the seat shows held throughout, and agrees after.
        const third = await step('a hold', declined, 'held', () => hold(declined));
        await gateway({ failureRate: 1 });
        try {
          const refused = await ask(owner, 'booking:pay', {
            bookingId: third.id,
            idempotencyKey: key('pay'),
          });
          expect(refused.ok ? 'OK' : refused.error.code).toBe('PAYMENT_DECLINED');
        } finally {
          await gateway({ failureRate: 0 });
        }
        await agreesWithFresh(declined, 'a declined payment');
        await step('a release after a decline', declined, 'free', () =>
          must(owner, 'hold:release', { bookingId: third.id }),
        );

        // held -> expired: a 2 s hold made on a third node runs out, and a sweeper frees it.
        const shortOwner = await open(short, session.accessToken);
        await step('a short hold', lapsed, 'held', () => hold(lapsed, shortOwner));
        await step('an expiry', lapsed, 'free', () => Promise.resolve());

        // held -> paying -> expired: the bank is still silent when the hold, plus the gateway's
        // timeout, runs out; a sweeper frees the seat (the late charge is refunded afterwards).
        const slow = await step('a short hold', outlived, 'held', () => hold(outlived, shortOwner));
        await gateway({ latencyMs: 4000, timeoutMs: 300 });
        try {
          await step('a payment outlived by its hold', outlived, 'free', async () => {
            const pending = await ask(shortOwner, 'booking:pay', {
              bookingId: slow.id,
              idempotencyKey: key('pay'),
            });
            expect(pending.ok ? 'OK' : pending.error.code).toBe('PAYMENT_PENDING');
          });
        } finally {
          await gateway({ latencyMs: 150, timeoutMs: 5000 });
        }
        // A reconciler settles the payment: the key voided before the late charge could land,
        // or the charge landed and is refunded. Wait for either: this test's own money must be
        // settled before anything (the next test's integrity check) looks.
        await waitFor(
          async () => {
            const { rows } = await db.pool.query<{ payment: string; refund: string | null }>(
              `select p.status as payment, r.status as refund
                 from payments p left join refunds r on r.payment_id = p.id
                where p.booking_id = $1`,
              [slow.id],
            );
            const settled = rows[0];
            return (
              settled?.payment === 'failed' ||
              (settled?.payment === 'succeeded' && settled.refund === 'succeeded')
            );
          },
          30_000,
          'the slow payment settled by a reconciler',
        );

        // Every booking:updated the owner got is a push the contract describes.
        await waitFor(() => updates.length >= 11, 5000, 'the booking updates');
        const statuses = updates.map((u) => bookingUpdatedSchema.strict().parse(u).status);
        expect(statuses).toEqual(
          expect.arrayContaining([
            'held',
            'paying',
            'confirmed',
            'cancelled',
            'released',
            'expired',
          ]),
        );
        // The bank's answer comes after the hold ran out: a reconciler settles the payment (voids
        // the charge, or refunds it if it landed). Wait for that here, so that no later test
        // finds it unsettled.
        await waitFor(
          async () =>
            (
              await db.pool.query(
                `select 1 from payments where booking_id = $1 and status <> 'pending'`,
                [slow.id],
              )
            ).rowCount === 1,
          20_000,
          'the reconciler to settle the payment',
        );
        await db.assertIntegrity();
      } finally {
        await short.stop();
      }
    });

    it('a sign-in revoked on node A (a spent refresh token reused) is cut off on its socket on node B', async () => {
      const session = await register(a, 'stolen');
      const onB = await open(b, session.accessToken);
      expect(await probe(onB)).toBe('NOT_FOUND');
      expect(
        (await post(a, '/api/auth/refresh', { refreshToken: session.refreshToken })).status,
      ).toBe(200);
      expect(
        (await post(a, '/api/auth/refresh', { refreshToken: session.refreshToken })).status,
      ).toBe(401);
      await waitFor(async () => (await probe(onB)) === 'UNAUTHENTICATED', 5000, 'the refusal on B');
      const hold = await ask(onB, 'hold:create', holdInput(run, [run.seats.CC![20]!]));
      expect(hold.ok ? 'OK' : hold.error.code).toBe('UNAUTHENTICATED');
      await expect(connect(b.url, session.accessToken)).rejects.toThrow();
      const me = await fetch(`${b.url}/api/auth/me`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      expect(me.status).toBe(401);
    });

    it("sign out everywhere on node B cuts off that user's sockets on both nodes", async () => {
      const first = await register(a, 'everywhere');
      const login = await post(a, '/api/auth/login', {
        email: first.user.email,
        password: 'cluster password',
      });
      const second = ((await login.json()) as { data: AuthTokens }).data;
      const [onA, onB] = [await open(a, first.accessToken), await open(b, second.accessToken)];
      const res = await post(b, '/api/auth/logout-everywhere', {}, second.accessToken);
      expect(((await res.json()) as { data: unknown }).data).toEqual({ signedOut: 2 });
      for (const [socket, where] of [
        [onA, 'A'],
        [onB, 'B'],
      ] as const) {
        await waitFor(async () => (await probe(socket)) === 'UNAUTHENTICATED', 5000, `on ${where}`);
      }
    });

    it('GET /api/admin/nodes on either node lists both, each answering for itself', async () => {
      const login = await fetch(`${b.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: DEMO_USERS.admin.email,
          password: DEMO_USERS.admin.password,
        }),
      });
      const { accessToken } = ((await login.json()) as { data: AuthTokens }).data;
      await open(b);
      for (const [asked, other] of [
        [a, 'node-b'],
        [b, 'node-a'],
      ] as const) {
        const res = await fetch(`${asked.url}/api/admin/nodes`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        const nodes = ((await res.json()) as { data: NodeStats[] }).data;
        expect(nodes.map((n) => n.nodeId)).toEqual([asked === a ? 'node-a' : 'node-b', other]);
        expect(nodes.every((n) => n.redis === 'up')).toBe(true);
      }
      const res = await fetch(`${a.url}/api/admin/nodes`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const [, nodeB] = ((await res.json()) as { data: NodeStats[] }).data;
      expect(nodeB!.connections).toBeGreaterThanOrEqual(2); // the watcher above and this one
    });

    it('a race across nodes has exactly one winner, 20 rounds, and the data stays sound', async () => {
      const contenders = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const node = i % 2 ? b : a;
          return open(node, (await register(node, `racer${i}`)).accessToken);
        }),
      );
      for (let round = 0; round < 20; round++) {
        const seat = run.seats.SL![round + 1]!;
        const acks = await Promise.all(
          contenders.map((s) => ask<BookingView>(s, 'hold:create', holdInput(run, [seat]))),
        );
        const winners = acks.filter((x) => x.ok);
        expect(winners, `round ${round}`).toHaveLength(1);
        expect(acks.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.error.code))).toEqual(
          Array(9).fill('SEAT_TAKEN'),
        );
        const winner = contenders[acks.findIndex((x) => x.ok)]!;
        await must(winner, 'hold:release', {
          bookingId: (winners[0] as { data: BookingView }).data.id,
        });
      }
      await db.assertIntegrity();
    });

    it('a demo race of 50 spread over both nodes: one winner, 49 SEAT_TAKEN, watchers on both nodes see all 50', async () => {
      const watchers = [await open(a), await open(b)];
      const seen: RaceResult[][] = [[], []];
      let demo: DemoInfo | undefined;
      for (const [i, w] of watchers.entries()) {
        demo = await must<DemoInfo>(w, 'race:watch', {});
        w.on('race:finished', (r) => seen[i]!.push(r));
      }
      const snapshot = await must<RunSnapshot>(watchers[0]!, 'run:watch', {
        runId: demo!.runId,
        from: demo!.from,
        to: demo!.to,
      });
      const starter = await open(a, (await register(a, 'starter')).accessToken);
      const result = await must<RaceResult>(starter, 'race:start', {
        seatId: snapshot.seats[0]!.seatId,
        contenders: 50,
      });
      expect(result.entries).toHaveLength(50);
      expect(result.entries.filter((e) => e.outcome === 'WON')).toHaveLength(1);
      expect(result.entries.filter((e) => e.outcome === 'SEAT_TAKEN')).toHaveLength(49);
      expect(new Set(result.entries.map((e) => e.node))).toEqual(new Set(['node-a', 'node-b']));
      for (const s of seen) {
        await waitFor(() => s.length === 1, 5000, 'race:finished on every node');
        expect(s[0]!.entries).toHaveLength(50);
      }
    });

    it('a "being selected" mark made on node A shows on node B, pushed and in a fresh snapshot (Redis)', async () => {
      const selector = await open(a, (await register(a, 'selector')).accessToken);
      const watcherOnB = await open(b);
      for (const s of [selector, watcherOnB])
        await must(s, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[1] });
      const pushed = new Promise<{ seatId: number }>((resolve) =>
        watcherOnB.once('seat:selecting', resolve),
      );
      await must(selector, 'seat:select', { runId: run.runId, seatId: run.seats.CC![0] });
      expect((await pushed).seatId).toBe(run.seats.CC![0]);
      const fresh = await must<RunSnapshot>(await open(b), 'run:watch', {
        runId: run.runId,
        from: run.stops[0],
        to: run.stops[1],
      });
      expect(fresh.selecting.map((m) => m.seatId)).toContain(run.seats.CC![0]);
    });

    it('a user past the limit gets RATE_LIMITED with a retry-after, on any node (counted in Redis)', async () => {
      const session = await register(a, 'limited');
      const [onA, onB] = [await open(a, session.accessToken), await open(b, session.accessToken)];
      const renew = (s: ClientSocket) => ask(s, 'auth:renew', { accessToken: session.accessToken });
      expect((await renew(onA)).ok).toBe(true);
      expect((await renew(onB)).ok).toBe(true);
      expect((await renew(onA)).ok).toBe(true);
      const refused = await renew(onB);
      expect(refused.ok ? 'OK' : refused.error.code).toBe('RATE_LIMITED');
      expect(refused.ok ? 0 : (refused.error.details?.retryAfterMs as number)).toBeGreaterThan(0);
    });

    it('password guessing is counted in Redis: attempts on one account over both nodes share one limit', async () => {
      const victim = await register(a, 'guessed');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const node = i % 2 ? b : a;
        const res = await post(node, '/api/auth/login', {
          email: victim.user.email,
          password: `guess ${i}`,
        });
        statuses.push(res.status);
      }
      // The registration counts too: it and three guesses use the account's four.
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });
  },
);
