import { createRequire } from 'node:module';
import type uWSNamespace from 'uWebSockets.js';

export type UWS = typeof uWSNamespace;

export type Transport =
  | { kind: 'uws'; uWS: UWS; build: string; tried: string[] }
  | { kind: 'node'; reason: string; tried: string[] };

/** Republished builds of uWebSockets.js, newest first (the README's "One node" names them). */
const BUILDS = ['@btc-vision/uwebsockets.js', 'uWebSockets.js'];

const require = createRequire(import.meta.url);

/**
 * Picks the transport: the first uWebSockets.js build whose native binary loads on this host, or
 * Node's own HTTP server when none does or `BERTH_TRANSPORT=node` asks for it. A build that cannot
 * load its binary silently falls back to a slow pure-JS server, so a build counts only if the
 * native-only `getParts` is there.
 */
export function chooseTransport(preference: 'auto' | 'uws' | 'node'): Transport {
  if (preference === 'node') return { kind: 'node', reason: 'BERTH_TRANSPORT=node', tried: [] };
  const tried: string[] = [];
  for (const build of BUILDS) {
    try {
      const uWS = require(build) as UWS;
      if (typeof (uWS as { getParts?: unknown }).getParts === 'function') {
        return { kind: 'uws', uWS, build, tried };
      }
      tried.push(`${build}: native binary did not load`);
    } catch (err) {
      tried.push(`${build}: ${firstLine(err)}`);
    }
  }
  return { kind: 'node', reason: 'no uWebSockets.js build loads natively here', tried };
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 160);
}
