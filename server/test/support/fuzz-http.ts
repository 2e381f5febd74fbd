import { ackSchema, ERROR_CODES, type HttpRouteSpec } from '@berth/shared';
import { z } from 'zod';
import { routeOf, undescribed } from './node.ts';

/** One fuzzed HTTP request: a route of the table, sent with some method, caller and input. */
export interface HttpCase {
  kind: 'http';
  /** `METHOD /path` of the route under test. */
  route: string;
  method: string;
  who: 'anonymous' | 'user' | 'admin' | 'garbage';
  input: unknown;
  /** A raw piece glued to the path after encoding: a malformed percent-escape and the like. */
  tamper: string | null;
  rawBody: string | null;
}

const anyAck = ackSchema(z.unknown());

/** A lone surrogate cannot travel in a URL (it is not UTF-8); malformed escapes come from `tamper`. */
export const wellFormed = (s: string | undefined) => (s ?? '').replace(/\p{Cs}/gu, '\ufffd');

/** The path (tampered), query string and body a case sends to its route. */
export function httpRequestOf(route: HttpRouteSpec, c: HttpCase) {
  const input = (c.input ?? {}) as { params?: unknown; query?: unknown; body?: unknown };
  let path = route.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    const v = (input.params as Record<string, unknown> | null)?.[name];
    return encodeURIComponent(wellFormed(typeof v === 'string' ? v : JSON.stringify(v)));
  });
  if (c.tamper) path += c.tamper;
  const query =
    input.query && typeof input.query === 'object' && !Array.isArray(input.query)
      ? new URLSearchParams(
          Object.entries(input.query).map(([k, v]): [string, string] => [
            k,
            wellFormed(typeof v === 'string' ? v : JSON.stringify(v)),
          ]),
        ).toString()
      : encodeURIComponent(wellFormed(JSON.stringify(input.query)));
  const body =
    c.method === 'GET'
      ? undefined
      : (c.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body)));
  return { path, query, body };
}

/**
 * Whether an answer is sound: never a 5xx or INTERNAL, a refusal with a known code, and a success
 * that the route it landed on describes (a tampered path may land on another route). `code` is
 * what to tally the answer as; `served` is false when the path left the API for the static site.
 */
export function judgeHttpAnswer(
  route: HttpRouteSpec,
  method: string,
  path: string,
  res: { status: number; ok: boolean },
  text: string,
  served: boolean,
): { problem: string | null; code: string | null } {
  const verdict = (problem: string | null, code: string | null = null) => ({ problem, code });
  if (res.status >= 500) return verdict(`status ${res.status}: ${text.slice(0, 200)}`);
  if (!served) return verdict(null);
  const landed = res.ok ? routeOf(method, path) : null;
  const format = landed?.format ?? 'ack';
  if (landed && format !== 'ack' && format !== 'json') return verdict(null, String(res.status));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return verdict(`not JSON (status ${res.status}): ${text.slice(0, 100)}`);
  }
  if (landed) {
    const problem = undescribed(landed, json);
    if (problem) return verdict(`an answer its route does not describe: ${problem}`);
    if (format === 'json') return verdict(null, String(res.status));
  }
  const answer = anyAck.safeParse(json);
  if (!answer.success) {
    // /api/health answers 503 with its report as `data` and `ok` false.
    if (route.path === '/api/health' && route.answer.safeParse(json).success)
      return verdict(null, String(res.status));
    return verdict(`not an answer: ${text.slice(0, 200)}`);
  }
  if (answer.data.ok) return verdict(null, String(res.status));
  const code = answer.data.error.code;
  if (!ERROR_CODES.includes(code)) return verdict('unknown code', code);
  return verdict(code === 'INTERNAL' ? 'INTERNAL' : null, code);
}
