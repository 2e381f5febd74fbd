import type { AuthRenewed, BookingView } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, key, type TestRun } from '../support/fixtures.ts';
import { ask, connect, LiveMap, must, waitFor, socketTracker } from '../support/live.ts';
import { signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

describe(`socket sessions (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);
  const open = (token?: string) => sockets.open(token);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, {
      config: { MAX_SOCKETS_PER_USER: 2, RATE_LIMITS: 'hold:release=2' },
    });
    run = await createTestRun(db.pool, { seatsPerClass: 6 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it("auth:renew refuses another user's token", async () => {
    const mine = await signUp(node);
    const theirs = await signUp(node);
    const socket = await open(mine.accessToken);
    const ack = await ask(socket, 'auth:renew', { accessToken: theirs.accessToken });
    expect(ack.ok ? 'OK' : ack.error.code).toBe('FORBIDDEN');
  });

  it('an anonymous socket can sign in with auth:renew', async () => {
    const session = await signUp(node);
    const socket = await open();
    expect((await ask(socket, 'hold:create', holdInput(run, [run.seats.SL![1]!]))).ok).toBe(false);
    await must(socket, 'auth:renew', { accessToken: session.accessToken });
    expect(
      (await must<BookingView>(socket, 'hold:create', holdInput(run, [run.seats.SL![1]!]))).status,
    ).toBe('held');
  });

  it('a user past a command limit gets RATE_LIMITED with a retry-after, and nothing changes', async () => {
    const socket = await open((await signUp(node)).accessToken);
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const ack = await ask(socket, 'hold:release', { bookingId: 999_999 });
      codes.push(ack.ok ? 'OK' : ack.error.code);
      if (!ack.ok && ack.error.code === 'RATE_LIMITED') {
        expect(ack.error.details?.retryAfterMs).toBeGreaterThan(0);
      }
    }
    expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'RATE_LIMITED']);
  });

  it('a revoked sign-in is cut off on its open socket: commands UNAUTHENTICATED, no more pushes; the other sign-in goes on', async () => {
    const phone = await signUp(node);
    const laptop = await node.app.auth.login({
      email: phone.user.email,
      password: 'correct horse battery',
    });
    const onPhone = await open(phone.accessToken);
    const onLaptop = await open(laptop.accessToken);
    const phoneUpdates: unknown[] = [];
    onPhone.on('booking:updated', (u) => phoneUpdates.push(u));
    // Someone replays the phone's spent refresh token: the phone's sign-in is revoked.
    await node.app.auth.refresh({ refreshToken: phone.refreshToken });
    await expect(node.app.auth.refresh({ refreshToken: phone.refreshToken })).rejects.toThrow();
    const probe = async () => {
      const ack = await ask(onPhone, 'booking:pay', {
        bookingId: 999_999_999,
        idempotencyKey: key('probe'),
      });
      return ack.ok ? 'OK' : ack.error.code;
    };
    await waitFor(async () => (await probe()) === 'UNAUTHENTICATED', 5000, 'the refusal');
    const refused = await ask(onPhone, 'hold:create', holdInput(run, [run.seats.SL![3]!]));
    expect(refused.ok ? 'OK' : refused.error.code).toBe('UNAUTHENTICATED');
    // The laptop's sign-in is untouched, and its hold is no longer pushed to the phone.
    const held = await must<BookingView>(
      onLaptop,
      'hold:create',
      holdInput(run, [run.seats.SL![3]!]),
    );
    await must(onLaptop, 'hold:release', { bookingId: held.id });
    const seen = new Promise<void>((resolve) => onLaptop.once('booking:updated', () => resolve()));
    await must(onLaptop, 'hold:create', holdInput(run, [run.seats.SL![4]!]));
    await seen;
    await new Promise((r) => setTimeout(r, 200));
    expect(phoneUpdates).toEqual([]);
  });

  it('a user may keep only so many sockets open', async () => {
    const session = await signUp(node);
    await open(session.accessToken);
    const second = await open(session.accessToken);
    await expect(connect(node.url, session.accessToken)).rejects.toThrow(/Too many/);
    second.close();
    await waitFor(
      async () => {
        try {
          sockets.track(await connect(node.url, session.accessToken));
          return true;
        } catch {
          return false;
        }
      },
      5000,
      'a free socket slot',
    );
  });
});

// Access tokens live 3 s here (2-3 s: `exp` is in whole seconds), so expiry can be watched; every
// other test above keeps the usual lifetime and never races the clock. A suite of its own, after
// the one above has closed its node: on uWS one process serves one Socket.IO node at a time.
describe(`an access token that runs out (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);
  const open = (token?: string) => sockets.open(token);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { ACCESS_TOKEN_TTL_SECONDS: 3 } });
    run = await createTestRun(db.pool, { seatsPerClass: 6 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('an expired token stops commands, is refused at a new handshake, and auth:renew restores the session with its rooms', async () => {
    const session = await signUp(node);
    const socket = await open(session.accessToken);
    const map = await LiveMap.watch(socket, run.runId, run.stops[0]!, run.stops[4]!);
    await new Promise((r) => setTimeout(r, 3200));
    const refused = await ask(socket, 'hold:create', holdInput(run, [run.seats.SL![0]!]));
    expect(refused.ok ? 'OK' : refused.error.code).toBe('UNAUTHENTICATED');
    await expect(connect(node.url, session.accessToken)).rejects.toThrow();

    const refreshed = await node.app.auth.refresh({ refreshToken: session.refreshToken });
    const renewed = await must<AuthRenewed>(socket, 'auth:renew', {
      accessToken: refreshed.accessToken,
    });
    expect(renewed.userId).toBe(session.user.id);
    const held = await must<BookingView>(
      socket,
      'hold:create',
      holdInput(run, [run.seats.SL![0]!]),
    );
    // Still in the run's room: its own change comes back as a delta.
    await waitFor(
      () => map.stateOf(held.seats[0]!.seatId) === 'held',
      5000,
      'the delta after renewing',
    );
  });
});
