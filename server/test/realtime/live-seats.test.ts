import type {
  BookingView,
  SeatsChanged,
  HoldExpired,
  HoldExpiring,
  RunSnapshot,
  SeatSelecting,
  SeatsDigest,
} from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, key, type TestRun } from '../support/fixtures.ts';
import { ask, LiveMap, must, waitFor, socketTracker } from '../support/live.ts';
import { signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';
import { SHARD_FROM_WATCHERS } from '../../src/realtime/outbox-relay.ts';

describe(`live seat changes reach every watcher (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);
  const open = (token?: string) => sockets.open(token);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, {
      config: { SWEEP_INTERVAL_MS: 200, DIGEST_INTERVAL_MS: 500, GATEWAY_LATENCY_MS: 5 },
    });
    run = await createTestRun(db.pool, { stops: 5, seatsPerClass: 10 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  const snapshot = async (from = 0, to = 4) => {
    const watcher = await open();
    const map = await LiveMap.watch(watcher, run.runId, run.stops[from]!, run.stops[to]!);
    watcher.close();
    return map;
  };

  it('two clients race for one seat: one ack wins, both and a third watcher get the delta', async () => {
    const [a, b] = [
      await open((await signUp(node)).accessToken),
      await open((await signUp(node)).accessToken),
    ];
    const watcher = await open();
    const maps = await Promise.all(
      [a, b, watcher].map((s) => LiveMap.watch(s, run.runId, run.stops[0]!, run.stops[4]!)),
    );
    const seat = run.seats.SL![0]!;
    const acks = await Promise.all(
      [a, b].map((s) => ask<BookingView>(s, 'hold:create', holdInput(run, [seat]))),
    );
    expect(acks.filter((x) => x.ok)).toHaveLength(1);
    expect(acks.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.error.code))).toEqual([
      'SEAT_TAKEN',
    ]);
    for (const map of maps) await waitFor(() => map.stateOf(seat) === 'held', 5000, 'the delta');
    expect(maps[2]!.batches.at(-1)!.committedAt).toMatch(/^\d{4}-/);
    const fresh = await snapshot();
    expect(maps[2]!.normalised()).toEqual(fresh.normalised());
  });

  it('each viewer derives its own segment from the delta', async () => {
    const holder = await open((await signUp(node)).accessToken);
    const early = await LiveMap.watch(await open(), run.runId, run.stops[0]!, run.stops[2]!);
    const late = await LiveMap.watch(await open(), run.runId, run.stops[2]!, run.stops[4]!);
    const seat = run.seats.SL![1]!;
    await must(holder, 'hold:create', holdInput(run, [seat], 0, 2));
    await waitFor(() => early.stateOf(seat) === 'held', 5000, 'held on 0->2');
    // Same delta, other segment: still free there.
    await waitFor(() => (late.seats.get(seat)?.version ?? 0) >= 1, 5000, 'the delta on 2->4');
    expect(late.stateOf(seat)).toBe('free');
  });

  it("booking updates reach all the owner's devices, and nobody else's", async () => {
    const token = (await signUp(node)).accessToken;
    const [phone, laptop] = [await open(token), await open(token)];
    const stranger = await open((await signUp(node)).accessToken);
    const seen: { device: string; status?: string }[] = [];
    laptop.on('booking:updated', (u) => seen.push({ device: 'laptop', status: u.status }));
    stranger.on('booking:updated', (u) => seen.push({ device: 'stranger', status: u.status }));
    const held = await must<BookingView>(phone, 'hold:create', holdInput(run, [run.seats.CC![0]!]));
    await must(phone, 'booking:pay', { bookingId: held.id, idempotencyKey: key('pay') });
    await waitFor(() => seen.some((s) => s.status === 'confirmed'), 5000, 'confirmed update');
    expect(seen.every((s) => s.device === 'laptop')).toBe(true);
  });

  it('"being selected" marks reach the other watchers, not the sender', async () => {
    const [selector, other] = [await open((await signUp(node)).accessToken), await open()];
    for (const s of [selector, other])
      await must(s, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[1] });
    const marks: { who: string; mark: SeatSelecting }[] = [];
    selector.on('seat:selecting', (mark) => marks.push({ who: 'selector', mark }));
    other.on('seat:selecting', (mark) => marks.push({ who: 'other', mark }));
    await must(selector, 'seat:select', { runId: run.runId, seatId: run.seats.SL![5] });
    await waitFor(() => marks.length > 0, 5000, 'the mark');
    expect(marks.map((m) => [m.who, m.mark.seatId])).toEqual([['other', run.seats.SL![5]]]);
    expect(new Date(marks[0]!.mark.until).getTime()).toBeGreaterThan(Date.now());
    // A watcher arriving now sees the mark in its snapshot.
    const late = await must<RunSnapshot>(await open(), 'run:watch', {
      runId: run.runId,
      from: run.stops[0],
      to: run.stops[1],
    });
    expect(late.selecting.map((m) => m.seatId)).toEqual([run.seats.SL![5]]);
  });

  it('a periodic digest matches what a watcher has applied', async () => {
    const socket = await open();
    const map = await LiveMap.watch(socket, run.runId, run.stops[0]!, run.stops[4]!);
    const digest = await new Promise<SeatsDigest>((resolve) =>
      socket.once('seats:digest', resolve),
    );
    const sum = [...map.seats.values()].reduce((n, s) => n + s.version, 0);
    expect(digest).toMatchObject({ runId: run.runId, seatCount: map.seats.size, versionSum: sum });
  });

  it('a client that reconnects re-snapshots, equals the database, and gets room broadcasts again', async () => {
    const holder = await open((await signUp(node)).accessToken);
    let watcher = await open();
    await LiveMap.watch(watcher, run.runId, run.stops[0]!, run.stops[4]!);
    watcher.disconnect();
    // Changes while it was away.
    const missed = await must<BookingView>(
      holder,
      'hold:create',
      holdInput(run, [run.seats.SL![6]!]),
    );
    watcher = await open();
    const map = await LiveMap.watch(watcher, run.runId, run.stops[0]!, run.stops[4]!);
    expect(map.stateOf(missed.seats[0]!.seatId)).toBe('held');
    const seatMap = await node.app.engine.seatMap(null, {
      runId: run.runId,
      from: run.stops[0],
      to: run.stops[4],
    });
    expect(map.normalised()).toEqual(
      Object.fromEntries(seatMap.seats.map((s) => [s.seatId, `${s.state}@${s.version}`])),
    );
    // And the room broadcast reaches the new socket (a known weak spot of socket.io on uWS).
    await must(holder, 'hold:release', { bookingId: missed.id });
    await waitFor(
      () => map.stateOf(missed.seats[0]!.seatId) === 'free',
      5000,
      'broadcast after reconnect',
    );
  });

  it('the snapshot in the watch ack carries the server clock', async () => {
    const socket = await open();
    const snap = await must<RunSnapshot>(socket, 'run:watch', {
      runId: run.runId,
      from: run.stops[1],
      to: run.stops[3],
    });
    expect(Math.abs(new Date(snap.serverNow).getTime() - Date.now())).toBeLessThan(5000);
  });

  it('a big run goes out shard by shard, and every watcher gets each change exactly once', async () => {
    const watchers = await Promise.all(
      Array.from({ length: SHARD_FROM_WATCHERS + 16 }, () => open()),
    );
    const seat = run.seats.CC![3]!;
    const seen = watchers.map(() => 0);
    await Promise.all(
      watchers.map(async (w, i) => {
        await must(w, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[4] });
        w.on('seats:changed', (batch: SeatsChanged) => {
          if (batch.seats.some((d) => d.seatId === seat)) seen[i]! += 1;
        });
      }),
    );
    const holder = await open((await signUp(node)).accessToken);
    await must(holder, 'hold:create', holdInput(run, [seat]));
    await waitFor(() => seen.every((n) => n >= 1), 5000, 'every watcher got the change');
    // Past the next relay ticks: a shard sent twice, or a room and its shards both, would show.
    await new Promise((r) => setTimeout(r, 300));
    expect(new Set(seen)).toEqual(new Set([1]));
    for (const w of watchers) w.close();
  });
});

// Holds last 3 s here, so one runs out inside the test. A suite of its own, after the one above
// has closed its node: on uWS one process serves one Socket.IO node at a time (see startNode).
describe(`a hold that runs out (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);
  const open = (token?: string) => sockets.open(token);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { HOLD_SECONDS: 3, SWEEP_INTERVAL_MS: 200 } });
    run = await createTestRun(db.pool, { stops: 5, seatsPerClass: 10 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('a hold expires and every watcher sees the seat free', async () => {
    const holderToken = (await signUp(node)).accessToken;
    const holder = await open(holderToken);
    const secondDevice = await open(holderToken);
    const expiring: HoldExpiring[] = [];
    const expired: HoldExpired[] = [];
    secondDevice.on('hold:expiring', (p) => expiring.push(p));
    secondDevice.on('hold:expired', (p) => expired.push(p));
    const watchers = await Promise.all(
      [open(), open()].map(async (s) =>
        LiveMap.watch(await s, run.runId, run.stops[0]!, run.stops[4]!),
      ),
    );
    const seat = run.seats.SL![2]!;
    const held = await must<BookingView>(holder, 'hold:create', holdInput(run, [seat]));
    for (const w of watchers) await waitFor(() => w.stateOf(seat) === 'held', 5000, 'held');
    for (const w of watchers)
      await waitFor(() => w.stateOf(seat) === 'free', 5000, 'freed by expiry');
    // The holder's other device was warned, then told (hold time 3 s < the 60 s warning).
    await waitFor(() => expired.length > 0, 5000, 'hold:expired');
    expect(expiring.map((e) => e.bookingId)).toEqual([held.id]);
    expect(expired).toEqual([{ bookingId: held.id, pnr: held.pnr }]);
  });
});
