import type { AuthTokens, BookingView } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDatabase } from '../../src/db/seeders/seed.ts';
import { createOrm } from '../../src/db/orm.ts';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, localDate, type TestRun } from '../support/fixtures.ts';
import { connect } from '../support/live.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

describe(`HTTP API (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  let alice: AuthTokens;
  let bob: AuthTokens;
  let admin: AuthTokens;
  let booking: BookingView;

  beforeAll(async () => {
    db = await createTestDb();
    const orm = await createOrm({ url: db.url, poolMax: 2 });
    await seedDatabase(orm.em.fork(), { days: 1 });
    await orm.close(true);
    node = await startNode(db, { config: { GATEWAY_LATENCY_MS: 5 } });
    run = await createTestRun(db.pool, { stops: 4, seatsPerClass: 6 });
    alice = await signUp(node, 'Alice');
    bob = await signUp(node, 'Bob');
    admin = await node.app.auth.login({
      email: DEMO_USERS.admin.email,
      password: DEMO_USERS.admin.password,
    });
    booking = await node.app.engine.hold(
      { userId: alice.user.id, role: 'user' },
      holdInput(run, [run.seats.SL![0]!]),
    );
  });
  afterAll(async () => {
    await node.close();
    await db.close();
  });

  it('health and metrics', async () => {
    const health = await http(node, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.data).toMatchObject({
      ok: true,
      database: { state: 'up' },
      adapter: expect.stringContaining('in-memory'),
    });
    expect(health.body.data.transport).toMatch(
      TRANSPORT === 'node' ? /node:http/ : /uWebSockets|node:http/,
    );
    const metrics = await http(node, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    for (const name of [
      'berth_sockets',
      'berth_acks_total',
      'berth_hold_seconds',
      'berth_pay_seconds',
      'berth_outbox_lag_seconds',
      'berth_outbox_relay_wakes_total',
      'berth_db_pool_waiters',
      'berth_event_loop_lag_seconds',
    ]) {
      expect(metrics.body).toContain(name);
    }
  });

  it('auth: register, login, refresh, me, logout; errors coded', async () => {
    const reg = await http(node, 'POST', '/api/auth/register', {
      body: { email: 'carol@test.berth.dev', password: 'long enough pw', name: 'Carol' },
    });
    expect(reg.status).toBe(201);
    expect(
      (
        await http(node, 'POST', '/api/auth/register', {
          body: { email: 'carol@test.berth.dev', password: 'long enough pw', name: 'Carol' },
        })
      ).body.error.code,
    ).toBe('VALIDATION');
    expect(
      (await http(node, 'POST', '/api/auth/register', { body: { email: 'nope' } })).status,
    ).toBe(400);
    const login = await http(node, 'POST', '/api/auth/login', {
      body: { email: 'carol@test.berth.dev', password: 'long enough pw' },
    });
    expect(login.status).toBe(200);
    const wrong = await http(node, 'POST', '/api/auth/login', {
      body: { email: 'carol@test.berth.dev', password: 'wrong password' },
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const me = await http(node, 'GET', '/api/auth/me', { token: login.body.data.accessToken });
    expect(me.body.data).toMatchObject({
      email: 'carol@test.berth.dev',
      name: 'Carol',
      role: 'user',
    });
    expect((await http(node, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await http(node, 'GET', '/api/auth/me', { token: 'garbage.token.here' })).status).toBe(
      401,
    );
    const refreshed = await http(node, 'POST', '/api/auth/refresh', {
      body: { refreshToken: login.body.data.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(
      (
        await http(node, 'POST', '/api/auth/logout', {
          body: { refreshToken: refreshed.body.data.refreshToken },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await http(node, 'POST', '/api/auth/refresh', {
          body: { refreshToken: refreshed.body.data.refreshToken },
        })
      ).status,
    ).toBe(401);
  });

  it('refresh-token reuse revokes the whole family, and its sockets are refused', async () => {
    const session = await node.app.auth.login({
      email: DEMO_USERS.bob.email,
      password: DEMO_USERS.bob.password,
    });
    const rotated = await http(node, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(rotated.status).toBe(200);
    // Someone replays the spent token: the family is revoked, the fresh pair too.
    const reuse = await http(node, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect([reuse.status, reuse.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(
      (
        await http(node, 'POST', '/api/auth/refresh', {
          body: { refreshToken: rotated.body.data.refreshToken },
        })
      ).status,
    ).toBe(401);
    expect(
      (await http(node, 'GET', '/api/auth/me', { token: rotated.body.data.accessToken })).status,
    ).toBe(401);
    await expect(connect(node.url, rotated.body.data.accessToken)).rejects.toThrow();
  });

  it('catalog: stations, search, seat map', async () => {
    const stations = await http(node, 'GET', '/api/stations?prefix=mum');
    expect(stations.body.data.map((s: { code: string }) => s.code)).toContain('BCT');
    const date = localDate(new Date(run.departsAt.getTime() + 5 * 60_000));
    const search = await http(
      node,
      'GET',
      `/api/search?from=${run.stops[0]}&to=${run.stops[3]}&date=${date}`,
    );
    expect(search.body.data.map((r: { runId: number }) => r.runId)).toContain(run.runId);
    expect(
      (await http(node, 'GET', `/api/search?from=${run.stops[0]}&to=${run.stops[3]}&date=tomorrow`))
        .body.error.code,
    ).toBe('VALIDATION');
    const map = await http(
      node,
      'GET',
      `/api/runs/${run.runId}/seats?from=${run.stops[0]}&to=${run.stops[3]}`,
      { token: alice.accessToken },
    );
    expect(
      map.body.data.seats.find((s: { seatId: number }) => s.seatId === run.seats.SL![0]).state,
    ).toBe('yours');
    const anon = await http(
      node,
      'GET',
      `/api/runs/${run.runId}/seats?from=${run.stops[0]}&to=${run.stops[3]}`,
    );
    expect(
      anon.body.data.seats.find((s: { seatId: number }) => s.seatId === run.seats.SL![0]).state,
    ).toBe('held');
    // Without a segment: the whole run, first stop to last (what a kiosk shows).
    const whole = await http(node, 'GET', `/api/runs/${run.runId}/seats`);
    expect([whole.body.data.from.code, whole.body.data.to.code]).toEqual([
      run.stops[0],
      run.stops[run.stops.length - 1],
    ]);
    expect(
      (await http(node, 'GET', `/api/runs/abc/seats?from=${run.stops[0]}&to=${run.stops[3]}`))
        .status,
    ).toBe(400);
    expect(
      (await http(node, 'GET', `/api/runs/999999/seats?from=${run.stops[0]}&to=${run.stops[3]}`))
        .status,
    ).toBe(404);
  });

  it('bookings: mine, by PNR for the owner or an admin, NOT_FOUND for anyone else; public PNR status', async () => {
    const mine = await http(node, 'GET', '/api/bookings', { token: alice.accessToken });
    expect(mine.body.data.map((b: BookingView) => b.pnr)).toEqual([booking.pnr]);
    expect(
      (await http(node, 'GET', '/api/bookings', { token: bob.accessToken })).body.data,
    ).toEqual([]);
    expect((await http(node, 'GET', '/api/bookings')).status).toBe(401);
    expect(
      (await http(node, 'GET', `/api/bookings/${booking.pnr}`, { token: alice.accessToken })).body
        .data.id,
    ).toBe(booking.id);
    expect(
      (await http(node, 'GET', `/api/bookings/${booking.pnr}`, { token: admin.accessToken })).body
        .data.id,
    ).toBe(booking.id);
    const foreign = await http(node, 'GET', `/api/bookings/${booking.pnr}`, {
      token: bob.accessToken,
    });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(
      (await http(node, 'GET', '/api/bookings/NOSUCHPNR1', { token: alice.accessToken })).status,
    ).toBe(404);
    expect((await http(node, 'GET', '/api/bookings/x', { token: alice.accessToken })).status).toBe(
      400,
    );
    const status = await http(node, 'GET', `/api/pnr/${booking.pnr}`);
    expect(status.body.data).toMatchObject({
      pnr: booking.pnr,
      status: 'held',
      seats: [{ coach: 'S1', number: 1 }],
    });
    expect(JSON.stringify(status.body)).not.toContain('Passenger');
  });

  it('admin: stats, occupancy, audit, gateway; users get FORBIDDEN, strangers UNAUTHENTICATED', async () => {
    for (const path of [
      '/api/admin/stats',
      '/api/admin/occupancy',
      '/api/admin/audit?limit=2',
      '/api/admin/gateway',
    ]) {
      expect((await http(node, 'GET', path, { token: admin.accessToken })).status, path).toBe(200);
      expect(
        (await http(node, 'GET', path, { token: alice.accessToken })).body.error.code,
        path,
      ).toBe('FORBIDDEN');
      expect((await http(node, 'GET', path)).status, path).toBe(401);
    }
    const page = await http(node, 'GET', '/api/admin/audit?limit=1', { token: admin.accessToken });
    expect(page.body.data.entries).toHaveLength(1);
    expect(
      (await http(node, 'GET', '/api/admin/audit?limit=0', { token: admin.accessToken })).body.error
        .code,
    ).toBe('VALIDATION');
    const set = await http(node, 'PUT', '/api/admin/gateway', {
      token: admin.accessToken,
      body: { failureRate: 0.25 },
    });
    expect(set.body.data.failureRate).toBe(0.25);
    expect(
      (
        await http(node, 'PUT', '/api/admin/gateway', {
          token: admin.accessToken,
          body: { failureRate: 2 },
        })
      ).body.error.code,
    ).toBe('VALIDATION');
    expect(
      (
        await http(node, 'PUT', '/api/admin/gateway', {
          token: alice.accessToken,
          body: { failureRate: 0 },
        })
      ).status,
    ).toBe(403);
  });

  it('bad bodies and unknown routes: coded JSON errors, nothing internal', async () => {
    const malformed = await http(node, 'POST', '/api/auth/login', { raw: '{"email":' });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION']);
    const huge = await http(node, 'POST', '/api/auth/login', {
      raw: JSON.stringify({ email: 'x'.repeat(70_000) }),
    });
    expect([huge.status, huge.body.error.code]).toEqual([400, 'VALIDATION']);
    const unknown = await http(node, 'GET', '/api/nothing-here');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await http(node, 'DELETE', '/api/stations')).status).toBe(405);
    // Outside /api, GETs get the web client (when built); other methods find nothing.
    expect((await http(node, 'POST', '/somewhere/else')).status).toBe(404);
  });
});
