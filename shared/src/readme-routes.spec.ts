/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpRoutes, type HttpRouteSpec } from './http-routes.ts';

/** The README's table of HTTP routes: the first cell of each row, `METHOD path`. */
function readmeRoutes(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(
    readme.indexOf('### HTTP API'),
    readme.indexOf('### Socket.IO events'),
  );
  return [...section.matchAll(/^\| `(GET|POST|PUT|DELETE) (\/\S*)`/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
}

describe("the README's HTTP routes", () => {
  it('are the route table, each once', () => {
    const table = (Object.values(httpRoutes) as HttpRouteSpec[]).map(
      (r) => `${r.method} ${r.path}`,
    );
    const readme = readmeRoutes();
    expect(new Set(readme).size).toBe(readme.length);
    expect([...readme].sort()).toEqual([...table].sort());
  });
});
