import { httpRoutes, type RouteName } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { http, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** The route table in `shared/`: what the node registers, documents and serves its reference with. */
describe(`the route table, the OpenAPI document and the API reference (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db);
  });
  afterAll(async () => {
    await node.close();
    await db.close();
  });

  it('the node registers every route of the table, once, and no other', () => {
    const registered = node.app.router.list().map((r) => r.name);
    expect(registered).toEqual(Object.keys(httpRoutes));
    for (const route of node.app.router.list()) expect(route.spec).toBe(httpRoutes[route.name]);
  });

  it('every route answers at its method and path: none is missing from the router', async () => {
    for (const name of Object.keys(httpRoutes) as RouteName[]) {
      const spec = httpRoutes[name];
      const path = spec.path.replace(/:([A-Za-z]+)/g, 'x');
      const res = await http(node, spec.method, path);
      // A missing route would be "Nothing is at ..."; anything else came from the route itself.
      expect(JSON.stringify(res.body), `${spec.method} ${spec.path}`).not.toContain(
        'Nothing is at',
      );
    }
  });

  it('/api/openapi.json is an OpenAPI 3.1 document with every route, its inputs and its answer', async () => {
    const res = await http(node, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap(
      (item) => Object.values(item),
    );
    expect(operations.map((o) => o.operationId).sort()).toEqual(Object.keys(httpRoutes).sort());
    const search = doc.paths['/api/search'].get;
    expect(search.parameters.map((p: any) => [p.in, p.name, p.required])).toEqual([
      ['query', 'from', true],
      ['query', 'to', true],
      ['query', 'date', true],
    ]);
    const booking = doc.paths['/api/bookings/{pnr}'].get;
    expect(booking.security).toEqual([{ bearer: [] }]);
    expect(booking.parameters[0]).toMatchObject({ in: 'path', name: 'pnr', required: true });
    const data = booking.responses['200'].content['application/json'].schema.properties.data;
    expect(Object.keys(data.properties)).toEqual(
      expect.arrayContaining(['pnr', 'status', 'seats']),
    );
    const register = doc.paths['/api/auth/register'].post;
    expect(Object.keys(register.responses)).toEqual(['201', 'default']);
    expect(register.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password', 'name']),
    );
  });

  it('/api/docs is a page of the node alone: its scripts and styles come from the node', async () => {
    const page = await fetch(`${node.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source).toMatch(/^\/api\/docs\//);
      const file = await fetch(`${node.url}${source}`);
      expect(file.status, source).toBe(200);
      expect(file.headers.get('content-type')).toMatch(/^text\/(css|javascript)/);
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const start = await (await fetch(`${node.url}/api/docs/start.js`)).text();
    expect(start).toContain("url: '/api/openapi.json'");
    expect(start).toContain('validatorUrl: null');
    const missing = await http(node, 'GET', '/api/docs/index.html');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('a path find-my-way cannot decode is VALIDATION; a wrong method is 405; nothing there is 404', async () => {
    const bad = await http(node, 'GET', '/api/bookings/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    const method = await http(node, 'DELETE', '/api/search');
    expect(method.status).toBe(405);
    // Keys of Object.prototype are names like any other: refused by the schema, not a crash.
    for (const path of [
      '/api/runs/1/seats?constructor=x',
      '/api/search?__proto__=1&from=NDLS&to=BCT&date=2026-01-01',
      '/api/docs/constructor',
    ]) {
      const refused = await http(node, 'GET', path);
      expect(refused.status, path).toBeLessThan(500);
      expect(['VALIDATION', 'NOT_FOUND'], path).toContain(refused.body.error.code);
    }
    const nothing = await http(node, 'GET', '/api/nothing-here');
    expect(nothing.status).toBe(404);
    expect(nothing.body.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
