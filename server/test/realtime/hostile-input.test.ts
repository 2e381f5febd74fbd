import type { Ack, AuthTokens } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, localDate, type TestRun } from '../support/fixtures.ts';
import { ask, socketTracker, type ClientSocket } from '../support/live.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** The examples of each class the fuzz suite covers at large: each once failed as INTERNAL. */
describe(`input the database cannot hold is refused as VALIDATION (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  let session: AuthTokens;
  let socket: ClientSocket;
  const sockets = socketTracker(() => node.url);
  const code = (ack: Ack<unknown>) => (ack.ok ? 'OK' : ack.error.code);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db);
    run = await createTestRun(db.pool, { stops: 4, seatsPerClass: 4 });
    session = await signUp(node);
    socket = await sockets.open(session.accessToken);
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('a run id past int4: over HTTP and in run:watch and hold:create', async () => {
    const res = await http(node, 'GET', '/api/runs/2147483648/seats');
    expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION']);
    const watch = await ask(socket, 'run:watch', {
      runId: 2 ** 31,
      from: run.stops[0],
      to: run.stops[1],
    });
    expect(code(watch)).toBe('VALIDATION');
    const hold = await ask(socket, 'hold:create', {
      ...holdInput(run, [run.seats.SL![0]!]),
      runId: 2 ** 31,
    });
    expect(code(hold)).toBe('VALIDATION');
  });

  it('NUL and lone surrogates in a passenger name, a registration name and a station search', async () => {
    for (const name of ['Ravi\u0000Kumar', 'Ravi\ud800']) {
      const input = holdInput(run, [run.seats.SL![1]!]);
      input.passengers[0]!.name = name;
      expect(code(await ask(socket, 'hold:create', input))).toBe('VALIDATION');
    }
    const reg = await http(node, 'POST', '/api/auth/register', {
      body: { email: 'nul@test.berth.dev', password: 'long enough pw', name: 'A\u0000B' },
    });
    expect([reg.status, reg.body.error?.code]).toEqual([400, 'VALIDATION']);
    const search = await http(node, 'GET', '/api/stations?prefix=%00');
    expect([search.status, search.body.error?.code]).toEqual([400, 'VALIDATION']);
  });

  it('dates outside what a date column holds are VALIDATION; the booking window keeps its own code', async () => {
    const [from, to] = [run.stops[0], run.stops[1]];
    for (const date of ['0000-01-01', '1999-12-31', '2100-01-01']) {
      const search = await http(node, 'GET', `/api/search?from=${from}&to=${to}&date=${date}`);
      expect([date, search.status, search.body.error?.code]).toEqual([date, 400, 'VALIDATION']);
      const board = await http(node, 'GET', `/api/stations/${from}/departures?date=${date}`);
      expect([date, board.status, board.body.error?.code]).toEqual([date, 400, 'VALIDATION']);
    }
    const past = await http(node, 'GET', `/api/search?from=${from}&to=${to}&date=2000-01-01`);
    expect([past.status, past.body.error?.code]).toEqual([422, 'OUTSIDE_BOOKING_WINDOW']);
    const today = localDate(new Date());
    expect(
      (await http(node, 'GET', `/api/search?from=${from}&to=${to}&date=${today}`)).status,
    ).toBe(200);
  });

  it('a malformed percent-escape in an /api path', async () => {
    for (const path of ['/api/pnr/%zz', '/api/runs/%E0%A4%A/seats', '/api/stations/%/departures']) {
      const res = await http(node, 'GET', path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 400, 'VALIDATION']);
    }
  });

  it('a frame with its payload missing or an argument after it is answered VALIDATION at once', async () => {
    const emit = socket.emit as (event: string, ...args: unknown[]) => void;
    // Within 5 s or never: before, such a frame was dropped and the client waited on its own.
    const answer = (...args: unknown[]) =>
      new Promise<string>((resolve) => {
        setTimeout(() => resolve('no answer'), 5000);
        emit.call(socket, 'run:unwatch', ...args, (ack: Ack<unknown>) => resolve(code(ack)));
      });
    expect(await answer()).toBe('VALIDATION');
    expect(await answer({ runId: run.runId }, 'extra')).toBe('VALIDATION');
    // The well-formed frame still works on the same socket.
    expect(code(await ask(socket, 'run:unwatch', { runId: run.runId }))).toBe('OK');
  });
});
