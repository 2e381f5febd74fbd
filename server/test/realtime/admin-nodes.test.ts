import type { AuthTokens, NodeStats } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, type TestRun } from '../support/fixtures.ts';
import { connect, must, type ClientSocket } from '../support/live.ts';
import { http, signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

describe(`GET /api/admin/nodes on a single node (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  let admin: AuthTokens;
  let user: AuthTokens;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db);
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 2 });
    user = await signUp(node, 'User');
    const promoted = await signUp(node, 'Admin');
    await db.pool.query(`update users set role = 'admin' where id = $1`, [promoted.user.id]);
    admin = await node.app.auth.login({
      email: promoted.user.email,
      password: 'correct horse battery',
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await node.close();
    await db.close();
  });

  it('an admin sees this node alone (no Redis), with its live connections and commands', async () => {
    for (let i = 0; i < 3; i++) sockets.push(await connect(node.url, user.accessToken));
    sockets.push(await connect(node.url));
    for (const s of sockets) {
      await must(s, 'run:watch', { runId: run.runId, from: run.stops[0], to: run.stops[2] });
    }
    const res = await http(node, 'GET', '/api/admin/nodes', { token: admin.accessToken });
    expect(res.status).toBe(200);
    const nodes = res.body.data as NodeStats[];
    expect(nodes).toHaveLength(1);
    const [self] = nodes;
    expect(self).toMatchObject({
      nodeId: node.app.nodeId,
      transport: node.app.transport.kind,
      redis: 'none',
    });
    expect(self!.connections).toBeGreaterThanOrEqual(4);
    expect(self!.commands).toBeGreaterThanOrEqual(4);
    expect(self!.pushes).toBeGreaterThanOrEqual(0);
    expect(self!.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(self!.rssBytes).toBeGreaterThan(1024 * 1024);

    // Live: a closed socket is gone from the next answer.
    sockets.pop()!.close();
    await expect
      .poll(
        async () =>
          (
            (await http(node, 'GET', '/api/admin/nodes', { token: admin.accessToken })).body
              .data as NodeStats[]
          )[0]!.connections,
        { timeout: 5000 },
      )
      .toBe(self!.connections - 1);
  });

  it('a user is FORBIDDEN, anonymous UNAUTHENTICATED', async () => {
    const asUser = await http(node, 'GET', '/api/admin/nodes', { token: user.accessToken });
    expect([asUser.status, asUser.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const anonymous = await http(node, 'GET', '/api/admin/nodes');
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
