import type { BookingView, RunSnapshot } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, key, type TestRun } from '../support/fixtures.ts';
import { ask, connect, must, waitFor, type ClientSocket } from '../support/live.ts';
import { signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';
import { MAX_WATCHED_RUNS } from '../../src/realtime/handlers.ts';

describe(`socket commands answer with coded acks (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  let alice: ClientSocket;
  let bob: ClientSocket;
  let anonymous: ClientSocket;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { GATEWAY_LATENCY_MS: 5 } });
    run = await createTestRun(db.pool, { seatsPerClass: 10 });
    alice = await connect(node.url, (await signUp(node, 'Alice')).accessToken);
    bob = await connect(node.url, (await signUp(node, 'Bob')).accessToken);
    anonymous = await connect(node.url);
    open.push(alice, bob, anonymous);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await node.close();
    await db.close();
  });

  it('every command works end to end for its owner', async () => {
    const snapshot = await must<RunSnapshot>(alice, 'run:watch', {
      runId: run.runId,
      from: run.stops[0],
      to: run.stops[4],
    });
    expect(snapshot.seats).toHaveLength(20);
    const held = await must<BookingView>(alice, 'hold:create', holdInput(run, [run.seats.SL![0]!]));
    expect(held.status).toBe('held');
    expect(
      await must(alice, 'seat:select', { runId: run.runId, seatId: run.seats.SL![1] }),
    ).toBeNull();
    const paid = await must<BookingView>(alice, 'booking:pay', {
      bookingId: held.id,
      idempotencyKey: key('pay'),
    });
    expect(paid.status).toBe('confirmed');
    const cancelled = await must<BookingView>(alice, 'booking:cancel', {
      bookingId: held.id,
      idempotencyKey: key('cancel'),
    });
    expect(cancelled.status).toBe('cancelled');
    const again = await must<BookingView>(
      alice,
      'hold:create',
      holdInput(run, [run.seats.SL![2]!]),
    );
    expect((await must<BookingView>(alice, 'hold:release', { bookingId: again.id })).status).toBe(
      'released',
    );
    expect(await must(alice, 'run:unwatch', { runId: run.runId })).toBeNull();
  });

  it('payloads of wrong types, with unknown fields or past the limits are VALIDATION, and the server stays up', async () => {
    const bad: [string, unknown][] = [
      ['run:watch', { runId: 'one', from: run.stops[0], to: run.stops[1] }],
      ['run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[1], extra: true }],
      ['run:watch', null],
      ['run:unwatch', 42],
      ['hold:create', { ...holdInput(run, [run.seats.SL![3]!]), seatIds: [1, 2, 3, 4, 5, 6, 7] }],
      [
        'hold:create',
        { ...holdInput(run, [run.seats.SL![3]!]), passengers: [{ name: 'x'.repeat(61), age: 30 }] },
      ],
      ['hold:create', 'not an object'],
      ['hold:release', { bookingId: -1 }],
      ['booking:pay', { bookingId: 1, idempotencyKey: 'short' }],
      ['booking:cancel', { bookingId: 1, idempotencyKey: key('c'), more: 1 }],
      ['seat:select', { runId: run.runId }],
      ['auth:renew', { accessToken: 5 }],
    ];
    for (const [event, payload] of bad) {
      const ack = await ask(alice, event as 'run:watch', payload);
      expect(ack.ok ? 'OK' : ack.error.code, `${event} ${JSON.stringify(payload)}`).toBe(
        'VALIDATION',
      );
    }
    const health = await fetch(`${node.url}/api/health`);
    expect(health.status).toBe(200);
    expect(alice.connected).toBe(true);
  });

  it('anonymous sockets may watch but never change: UNAUTHENTICATED', async () => {
    await must(anonymous, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[1] });
    for (const [event, payload] of [
      ['hold:create', holdInput(run, [run.seats.SL![4]!])],
      ['hold:release', { bookingId: 1 }],
      ['booking:pay', { bookingId: 1, idempotencyKey: key('pay') }],
      ['booking:cancel', { bookingId: 1, idempotencyKey: key('c') }],
      ['seat:select', { runId: run.runId, seatId: run.seats.SL![4] }],
    ] as const) {
      const ack = await ask(anonymous, event, payload);
      expect(ack.ok ? 'OK' : ack.error.code, event).toBe('UNAUTHENTICATED');
    }
  });

  it("another user's booking: FORBIDDEN", async () => {
    const held = await must<BookingView>(alice, 'hold:create', holdInput(run, [run.seats.SL![5]!]));
    for (const [event, payload] of [
      ['hold:release', { bookingId: held.id }],
      ['booking:pay', { bookingId: held.id, idempotencyKey: key('pay') }],
      ['booking:cancel', { bookingId: held.id, idempotencyKey: key('c') }],
    ] as const) {
      const ack = await ask(bob, event, payload);
      expect(ack.ok ? 'OK' : ack.error.code, event).toBe('FORBIDDEN');
    }
    await must(alice, 'hold:release', { bookingId: held.id });
  });

  it('a frame over 16 KB closes only that socket', async () => {
    const victim = await connect(node.url);
    open.push(victim);
    const closed = new Promise<string>((resolve) => victim.once('disconnect', resolve));
    victim.emit(
      'run:watch',
      { runId: run.runId, from: 'x'.repeat(20_000), to: run.stops[1] } as never,
      () => undefined,
    );
    expect(await closed).toMatch(/transport (close|error)/);
    expect(bob.connected).toBe(true);
    expect(
      (await ask(bob, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[1] })).ok,
    ).toBe(true);
  });

  it('a bad Origin is refused at the handshake; localhost and no Origin are welcome', async () => {
    await expect(
      connect(node.url, undefined, { origin: 'https://evil.example' }),
    ).rejects.toThrow();
    const local = await connect(node.url, undefined, { origin: 'http://localhost:5173' });
    open.push(local);
    expect(local.connected).toBe(true);
  });

  it('a forged or malformed token is refused at the handshake', async () => {
    await expect(connect(node.url, 'not-a-jwt-at-all')).rejects.toThrow();
    await waitFor(() => alice.connected);
  });

  it(`one socket watches up to ${MAX_WATCHED_RUNS} runs (shard rooms do not count), not more`, async () => {
    const runs = [];
    for (let i = 0; i <= MAX_WATCHED_RUNS; i++) {
      runs.push(await createTestRun(db.pool, { stops: 2, seatsPerClass: 1 }));
    }
    const watcher = await connect(node.url);
    open.push(watcher);
    const watch = (r: TestRun) =>
      ask(watcher, 'run:watch', { runId: r.runId, from: r.stops[0], to: r.stops[1] });
    for (const r of runs.slice(0, MAX_WATCHED_RUNS)) expect((await watch(r)).ok).toBe(true);
    const refused = await watch(runs[MAX_WATCHED_RUNS]!);
    expect(refused.ok ? 'OK' : refused.error.code).toBe('VALIDATION');
    // Watching one of them again is no new run.
    expect((await watch(runs[0]!)).ok).toBe(true);
  });
});
