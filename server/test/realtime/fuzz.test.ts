import {
  ackSchema,
  ackSchemas,
  commandSchemas,
  type HttpRouteSpec,
  type AuthTokens,
  type BookingView,
  type CommandName,
} from '@berth/shared';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDatabase } from '../../src/db/seeders/seed.ts';
import { createOrm } from '../../src/db/orm.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/common/rate-limits.ts';
import { MAX_FRAME_BYTES } from '../../src/realtime/socket-server.ts';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, key, localDate, type TestRun } from '../support/fixtures.ts';
import { ask, connect, type ClientSocket } from '../support/live.ts';
import { signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';
import { arbitraryOf, mutatedOne, type Hints } from '../support/zod-arbitrary.ts';
import { httpRequestOf, judgeHttpAnswer, type HttpCase } from '../support/fuzz-http.ts';

/**
 * Property: whatever a client sends, over any command or route, the answer is a success or a
 * coded refusal: never INTERNAL, never a 5xx, never silence while an ack waits. FUZZ_CASES sets
 * the number of cases (CI: the default), FC_SEED replays a run.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const SEED = process.env.FC_SEED
  ? Number(process.env.FC_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const ACK_TIMEOUT_MS = 15_000;

const anyAck = ackSchema(z.unknown());
const PASSWORD = 'correct horse battery';

type Who = HttpCase['who'];

interface SocketCase {
  kind: 'socket';
  event: CommandName;
  who: 'anonymous' | 'user';
  /** How the frame is laid out: `(payload, ack)`, `(ack)`, `(payload, extra, ack)`, no ack. */
  frame: 'normal' | 'no-payload' | 'extra-argument' | 'no-ack';
  payload: unknown;
}

type Case = SocketCase | HttpCase;

describe(`fuzzing every command and route (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  let user: AuthTokens;
  let admin: AuthTokens;
  let victim: AuthTokens;
  const sockets = new Map<'anonymous' | 'user', ClientSocket>();
  const routesByName = new Map<string, HttpRouteSpec>();
  const bookings: BookingView[] = [];
  let raceSeats: number[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    const orm = await createOrm({ url: db.url, poolMax: 2 });
    await seedDatabase(orm.em.fork(), { days: 1, demo: true });
    await orm.close(true);
    node = await startNode(db, {
      config: {
        BERTH_DEMO: true,
        GATEWAY_LATENCY_MS: 0,
        // Limits are tested elsewhere; here they would only hide the inputs behind RATE_LIMITED.
        RATE_LIMITS: generousLimits(),
      },
    });
    run = await createTestRun(db.pool, { stops: 4, seatsPerClass: 12 });
    // The bookings the cases name live on a later train, clear of the holds the cases make.
    const later = await createTestRun(db.pool, { stops: 4, departsInMinutes: 4 * 24 * 60 });
    const demoSeats = await db.pool.query<{ id: string }>(
      `select s.id from seats s join runs r on r.id = s.run_id where r.demo order by s.id limit 12`,
    );
    raceSeats = demoSeats.rows.map((r) => Number(r.id));
    user = await signUp(node, 'Fuzzer');
    victim = await signUp(node, 'Victim');
    admin = await node.app.auth.login({
      email: DEMO_USERS.admin.email,
      password: DEMO_USERS.admin.password,
    });
    const actor = { userId: user.user.id, role: 'user' as const };
    const held = await node.app.engine.hold(actor, holdInput(later, [later.seats.SL![0]!], 0, 1));
    const paid = await node.app.engine.hold(actor, holdInput(later, [later.seats.CC![0]!], 2, 3));
    await node.app.engine.pay(actor, { bookingId: paid.id, idempotencyKey: key('pay') });
    const theirs = await node.app.engine.hold(
      { userId: victim.user.id, role: 'user' },
      holdInput(later, [later.seats.SL![1]!]),
    );
    bookings.push(held, paid, theirs);
    await reconnect('anonymous');
    await reconnect('user');
  });
  afterAll(async () => {
    for (const s of sockets.values()) s.close();
    await node?.close();
    await db?.close();
  });

  async function reconnect(who: 'anonymous' | 'user') {
    sockets.get(who)?.close();
    const socket = await connect(node.url, who === 'user' ? user.accessToken : undefined);
    sockets.set(who, socket);
    // Watching the run, so that seat:select gets past its first check.
    await ask(socket, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[3] });
  }

  function hints(): Hints {
    const seats = [...run.seats.SL!, ...run.seats.CC!];
    const today = new Date();
    const dates = [0, 1, 2].map((d) => localDate(new Date(today.getTime() + d * 86_400_000)));
    return {
      runId: fc.constantFrom(run.runId, 1, 2_147_483_647),
      seatId: fc.constantFrom(...seats),
      seatIds: fc.subarray(seats, { minLength: 1, maxLength: 3 }),
      from: fc.constantFrom(...run.stops),
      to: fc.constantFrom(...run.stops),
      code: fc.constantFrom(...run.stops, 'NDLS', 'BCT'),
      date: fc.constantFrom(...dates),
      bookingId: fc.constantFrom(...bookings.map((b) => b.id)),
      pnr: fc.constantFrom(...bookings.map((b) => b.pnr)),
      accessToken: fc.constantFrom(user.accessToken, victim.accessToken, admin.accessToken),
      refreshToken: fc.constantFrom(victim.refreshToken, user.refreshToken.slice(1)),
      idempotencyKey: fc.constantFrom('fuzz-key-0001', 'fuzz-key-0002', 'fuzz-key-0003'),
      email: fc.constantFrom(victim.user.email, DEMO_USERS.alice.email),
      password: fc.constantFrom(PASSWORD, 'wrong password'),
      prefix: fc.constantFrom('mu', 'X', 'new d'),
      contender: fc.integer({ min: 1, max: 50 }),
    };
  }

  /** Two of the run's stops in route order. */
  const segment = () =>
    fc
      .integer({ min: 0, max: run.stops.length - 2 })
      .chain((from) =>
        fc
          .integer({ min: from + 1, max: run.stops.length - 1 })
          .map((to) => ({ from: run.stops[from]!, to: run.stops[to]! })),
      );

  /**
   * Payloads that pass validation where the fields depend on each other (a segment in route
   * order, one passenger per seat): one field of these changed reaches the service alone.
   */
  function validBase(event: CommandName): fc.Arbitrary<unknown> | null {
    if (event === 'run:watch') return segment().map((seg) => ({ runId: run.runId, ...seg }));
    if (event === 'race:start')
      return fc.record({
        seatId: fc.constantFrom(...raceSeats),
        // Few contenders: a race of 50 costs 50 holds, and the schema's bounds are walked anyway.
        contenders: fc.integer({ min: 2, max: 4 }),
      });
    if (event !== 'hold:create') return null;
    return fc
      .tuple(
        fc.subarray(run.seats.SL!, { minLength: 1, maxLength: 3 }),
        segment(),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      )
      .map(([seatIds, seg, name]) => ({
        runId: run.runId,
        ...seg,
        seatIds,
        passengers: seatIds.map((_, i) => ({ name: `${name} ${i}`, age: 30 })),
        idempotencyKey: key('fz'),
      }));
  }

  function socketCases(): fc.Arbitrary<Case>[] {
    return (Object.keys(commandSchemas) as CommandName[]).map((event) => {
      const schema = commandSchemas[event];
      const base = validBase(event) ?? arbitraryOf(schema, { hostile: false, hints: hints() });
      const payload = fc.oneof(
        arbitraryOf(schema, { hostile: true, hints: hints() }),
        mutatedOne(base),
        base,
      );
      return fc.record({
        kind: fc.constant('socket' as const),
        event: fc.constant(event),
        who: fc.constantFrom('anonymous' as const, 'user' as const),
        frame: fc.oneof(
          { arbitrary: fc.constant('normal' as const), weight: 17 },
          fc.constantFrom('no-payload' as const, 'extra-argument' as const, 'no-ack' as const),
        ),
        payload,
      });
    });
  }

  function httpCases(routes: readonly HttpRouteSpec[]): fc.Arbitrary<Case>[] {
    return routes.map((route) => {
      const h = hints();
      const shape = (hostileToo: boolean) =>
        fc.record({
          params: route.params
            ? fc.record(
                Object.fromEntries(
                  Object.entries(route.params.shape).map(([k, s]) => [
                    k,
                    arbitraryOf(s, { hostile: hostileToo, hints: h }, k),
                  ]),
                ),
              )
            : fc.constant({}),
          query: route.query
            ? arbitraryOf(route.query, { hostile: hostileToo, hints: h })
            : fc.constant({}),
          body: route.body
            ? arbitraryOf(route.body, { hostile: hostileToo, hints: h })
            : fc.constant(undefined),
        });
      return fc.record({
        kind: fc.constant('http' as const),
        route: fc.constant(`${route.method} ${route.path}`),
        method: fc.oneof(
          { arbitrary: fc.constant(route.method), weight: 15 },
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        ),
        who: fc.oneof(
          { arbitrary: fc.constant<Who>(route.auth === 'admin' ? 'admin' : 'user'), weight: 3 },
          fc.constantFrom<Who>('anonymous', 'user', 'admin', 'garbage'),
        ),
        input: fc.oneof(shape(true), mutatedOne(shape(false)), shape(false)),
        tamper: fc.oneof(
          { arbitrary: fc.constant(null), weight: 12 },
          fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '/%2e%2e', '%00', '/..', '//', '%ff'),
        ),
        rawBody: fc.oneof(
          { arbitrary: fc.constant(null), weight: 12 },
          fc.constantFrom('{', 'null', '[]', '"x"', '\ufeff{}', '{"a":1}{', 'x'.repeat(70_000)),
        ),
      });
    });
  }

  async function perform(c: Case): Promise<string | null> {
    return c.kind === 'socket' ? performSocket(c) : performHttp(c);
  }

  /** Null when the answer is fine, else what was wrong. */
  async function performSocket(c: SocketCase): Promise<string | null> {
    let socket = sockets.get(c.who)!;
    if (!socket.connected) {
      await reconnect(c.who);
      socket = sockets.get(c.who)!;
    }
    const size = JSON.stringify(c.payload ?? null).length;
    if (size > MAX_FRAME_BYTES / 2) return null; // engine.io closes such a socket: not our case
    const emit = socket.emit as (event: string, ...args: unknown[]) => void;
    if (c.frame === 'no-ack') {
      emit.call(socket, c.event, c.payload);
      return null;
    }
    const ack = await new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => resolve(TIMEOUT), ACK_TIMEOUT_MS);
      const done = (a: unknown) => {
        clearTimeout(timer);
        resolve(a);
      };
      if (c.frame === 'no-payload') emit.call(socket, c.event, done);
      else if (c.frame === 'extra-argument') emit.call(socket, c.event, c.payload, 'extra', done);
      else emit.call(socket, c.event, c.payload, done);
    });
    if (ack === TIMEOUT) return `no ack within ${ACK_TIMEOUT_MS} ms`;
    const parsed = anyAck.safeParse(ack);
    if (!parsed.success) return `not an ack: ${JSON.stringify(ack).slice(0, 200)}`;
    const described = ackSchemas[c.event].safeParse(ack);
    if (!described.success)
      return `an ack the contract does not describe: ${described.error.message}`;
    if (parsed.data.ok && c.event === 'hold:create' && c.who === 'user') {
      // Let go at once, or the user's own journeys would refuse every later hold as overlapping.
      const held = parsed.data.data as BookingView;
      await node.app.engine.release({ userId: user.user.id, role: 'user' }, { bookingId: held.id });
    }
    tally(c.event, parsed.data.ok ? 'OK' : parsed.data.error.code);
    if (!parsed.data.ok && parsed.data.error.code === 'INTERNAL') return 'INTERNAL';
    if (c.frame !== 'normal' && (parsed.data.ok || parsed.data.error.code !== 'VALIDATION'))
      return `a ${c.frame} frame answered ${parsed.data.ok ? 'OK' : parsed.data.error.code}`;
    return null;
  }

  async function performHttp(c: HttpCase): Promise<string | null> {
    const route = routesByName.get(c.route)!;
    const { path, query, body } = httpRequestOf(route, c);
    // Signing out everywhere as the fuzzer or the admin would end every later case's session:
    // that route gets a fresh sign-in of the victim instead.
    const disposable =
      route.path === '/api/auth/logout-everywhere' && (c.who === 'user' || c.who === 'admin');
    const token = disposable
      ? (await node.app.auth.sessionFor(victim.user.id)).accessToken
      : c.who === 'user'
        ? user.accessToken
        : c.who === 'admin'
          ? admin.accessToken
          : c.who === 'garbage'
            ? 'not.a.token'
            : undefined;
    const url = `${node.url}${path}${query ? `?${query}` : ''}`;
    // The path as fetch sends it: `..` and `%2e%2e` segments are resolved first, so a tampered
    // path may leave the API altogether (to the static site) or land on another route.
    const sentPath = new URL(url).pathname;
    const res = await fetch(url, {
      method: c.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body,
    });
    const text = await res.text();
    if (route.path === '/api/admin/gateway' && c.method === 'PUT') await resetGateway();
    // Paths a tamper took away from the API: the static site answers.
    const verdict = judgeHttpAnswer(
      route,
      c.method,
      sentPath,
      res,
      text,
      node.app.router.serves(sentPath),
    );
    if (verdict.code) tally(route.path, verdict.code);
    return verdict.problem;
  }

  async function resetGateway() {
    await node.app.engine.setGatewaySettings(
      { userId: null, role: 'admin' },
      { failureRate: 0, latencyMs: 0, timeoutMs: 5000 },
    );
  }

  it('the server registers exactly the commands the contract lists', () => {
    const serverSocket = [...node.app.io.of('/').sockets.values()][0]!;
    const registered = serverSocket.eventNames().filter((e) => String(e).includes(':'));
    expect(new Set(registered)).toEqual(new Set(Object.keys(commandSchemas)));
  });

  it(`${CASES} hostile commands and requests: every answer is a success or a coded refusal, and the data stays sound`, async () => {
    const routes = node.app.router.list().map((r) => r.spec);
    for (const r of routes) routesByName.set(`${r.method} ${r.path}`, r);
    expect(routes.length).toBeGreaterThan(15);
    const cases = fc.oneof(...socketCases(), ...httpCases(routes));
    console.log(
      `fuzz (${TRANSPORT}): ${CASES} cases over ${Object.keys(commandSchemas).length} commands and ${routes.length} routes, seed ${SEED} (FC_SEED=${SEED} FUZZ_CASES=${CASES} to replay)`,
    );
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const problem = await perform(c);
        if (problem) throw new Error(problem);
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: false },
    );
    console.log(
      `fuzz (${TRANSPORT}): ${CASES} cases in ${Math.round(performance.now() - started)} ms\n` +
        [...seen]
          .map(([t, codes]) => `  ${t}: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`)
          .join('\n'),
    );
    // The connections took it too: both sockets still answer.
    for (const who of ['anonymous', 'user'] as const) {
      if (!sockets.get(who)!.connected) await reconnect(who);
    }
    await db.assertIntegrity();
  }, 300_000);
});

const TIMEOUT = Symbol('timeout');

/** Answers seen per target, printed after the run: how deep the cases got. */
const seen = new Map<string, Map<string, number>>();
function tally(target: string, code: string) {
  const codes = seen.get(target) ?? new Map<string, number>();
  codes.set(code, (codes.get(code) ?? 0) + 1);
  seen.set(target, codes);
}

function generousLimits(): string {
  return Object.keys(DEFAULT_RATE_LIMITS)
    .map((name) => `${name}=1000000`)
    .join(',');
}
