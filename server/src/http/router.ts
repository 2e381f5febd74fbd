import { createHash } from 'node:crypto';
import FindMyWay, { type HTTPVersion, type Instance } from 'find-my-way';
import { httpRoutes, type Ack, type HttpRouteSpec, type RouteName } from '@berth/shared';
import type { z } from 'zod';
import type { Logger } from '../common/logger.ts';
import type { RateLimits } from '../common/rate-limits.ts';
import { DomainError } from '../common/errors.ts';
import { toDomainError } from '../common/unavailable.ts';
import { STATUS_OF } from './error-status.ts';
import {
  Reply,
  type BoundRoute,
  type HttpRequest,
  type HttpResult,
  type RouteHandlers,
} from './http-types.ts';

/** The largest JSON body a route accepts. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The peer's address as the transport saw it (the balancer's, behind one). */
  remoteAddress: string;
}

export interface RouterOptions {
  /** Per route class limits; none: nothing is limited (tests of the router alone). */
  limits?: RateLimits;
  /** Take the client's address from X-Forwarded-For (behind our balancer only: it can be forged). */
  trustProxy?: boolean;
}

export type Authenticate = (token: string) => Promise<HttpRequest['actor']>;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
/** What find-my-way answers a path it cannot decode with (see `onBadUrl`). */
const BAD_URL = Symbol('bad url');

/**
 * Every route of the table in `shared/` with its handler, matched by find-my-way. Parses a
 * request's JSON body and bearer token, runs its handler, and turns the outcome into the route's
 * answer format: for `ack`, `{ ok: true, data }` or `{ ok: false, error: { code, message } }` with
 * a fitting status. An unreachable database is answered UNAVAILABLE (503); unknown errors are
 * logged and answered as INTERNAL, with nothing internal in the body.
 */
export class Router {
  private readonly routes: BoundRoute[];
  private readonly tree: Instance<HTTPVersion.V1>;

  constructor(
    handlers: RouteHandlers,
    private readonly authenticate: Authenticate,
    private readonly log: Logger,
    private readonly options: RouterOptions = {},
  ) {
    this.tree = FindMyWay({
      ignoreTrailingSlash: true,
      // Long enough for any parameter a schema accepts, so a long one is refused by its schema.
      maxParamLength: 500,
      onBadUrl: () => BAD_URL,
    });
    this.routes = (Object.keys(httpRoutes) as RouteName[]).map((name) => ({
      name,
      spec: httpRoutes[name],
      handler: handlers[name],
    }));
    for (const route of this.routes) {
      this.tree.on(route.spec.method, route.spec.path, () => route);
    }
  }

  /** Every route, as registered. */
  list(): readonly BoundRoute[] {
    return this.routes;
  }

  /** True if the API serves this path (any method): the transports send the rest elsewhere. */
  serves(path: string): boolean {
    return path === '/metrics' || path.startsWith('/api/') || path === '/api';
  }

  async handle(raw: RawRequest): Promise<HttpResult> {
    try {
      return await this.dispatch(raw);
    } catch (err) {
      return failure(toDomainError(err, this.log, { method: raw.method, url: raw.url }));
    }
  }

  private async dispatch(raw: RawRequest): Promise<HttpResult> {
    const url = parseUrl(raw.url);
    const method = raw.method.toUpperCase();
    const found = this.find(method, url.pathname);
    if (!found) {
      const elsewhere = METHODS.some((m) => m !== method && this.find(m, url.pathname));
      if (elsewhere)
        return failure(new DomainError('NOT_FOUND', 'That method is not allowed here.'), 405);
      return failure(new DomainError('NOT_FOUND', `Nothing is at ${url.pathname}.`));
    }
    const { route, params } = found;
    const spec: HttpRouteSpec = route.spec;
    const address = clientAddress(raw, this.options.trustProxy ?? false);
    const limit = spec.limit ?? (spec.method === 'GET' ? 'read' : 'write');
    let body: unknown;
    let actor: HttpRequest['actor'];
    try {
      body = parseBody(raw.body);
      actor = await this.actorOf(raw.headers);
    } catch (err) {
      // A refused token or body still counts, against the address: guessing costs the same.
      await this.count(limit, null, address, undefined);
      throw err;
    }
    await this.count(limit, actor, address, body);
    const req: HttpRequest = {
      method: spec.method,
      path: url.pathname,
      query: shapedBy(spec.query, Object.fromEntries(url.searchParams)),
      params: shapedBy(spec.params, params),
      headers: raw.headers,
      body,
      actor,
    };
    if (spec.auth && !req.actor) throw new DomainError('UNAUTHENTICATED', 'Please sign in first.');
    if (spec.auth === 'admin' && req.actor?.role !== 'admin') {
      throw new DomainError('FORBIDDEN', 'Only an administrator can do this.');
    }
    const answer = await route.handler(req);
    return answered(spec, answer);
  }

  /** The route a method and path lead to, with its decoded parameters; null if none. */
  private find(method: string, pathname: string) {
    const handle = this.tree.find(method as (typeof METHODS)[number], pathname);
    if (!handle) return null;
    const route = (handle.handler as () => BoundRoute | typeof BAD_URL)();
    if (route === BAD_URL) {
      throw new DomainError('VALIDATION', 'The path has a malformed percent-escape.');
    }
    return { route, params: handle.params as Record<string, string> };
  }

  /** One request against its class's limit: per user when signed in, else per address. */
  private async count(
    limit: NonNullable<HttpRouteSpec['limit']>,
    actor: HttpRequest['actor'],
    address: string,
    body: unknown,
  ): Promise<void> {
    const limits = this.options.limits;
    if (!limits || limit === 'none') return;
    if (limit !== 'auth') {
      await limits.consumeHttp(
        `http:${limit}`,
        actor ? { userId: actor.userId } : { key: address },
      );
      return;
    }
    await limits.consumeHttp('http:auth', { key: address });
    const account = accountOf(body);
    if (account) await limits.consumeHttp('http:auth-account', { key: account });
  }

  private async actorOf(headers: Record<string, string>) {
    const header = headers.authorization;
    if (!header) return null;
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token)
      throw new DomainError('UNAUTHENTICATED', 'Send the access token as "Bearer <token>".');
    return this.authenticate(token);
  }
}

/** A handler's answer as the route's format sends it. */
function answered(spec: HttpRouteSpec, answer: unknown): HttpResult {
  const reply = answer instanceof Reply ? answer : null;
  const value: unknown = reply ? reply.answer : answer;
  const status = reply?.status ?? spec.status ?? 200;
  const headers = reply?.headers;
  switch (spec.format ?? 'ack') {
    case 'ack':
      return { status, body: { ok: true, data: value ?? null } satisfies Ack<unknown>, headers };
    case 'json':
      return { status, body: value, headers };
    case 'text':
      return {
        status,
        body: value,
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...headers },
      };
    case 'html':
      return {
        status,
        body: value,
        headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
      };
    case 'file':
      return { status, body: value, headers };
  }
}

/**
 * Query or path values as an object, each one its schema expects as a number converted when it
 * looks like one (the rest stay strings, for the schema to accept or refuse).
 */
function shapedBy(
  schema: z.ZodObject | undefined,
  values: Record<string, string>,
): Record<string, unknown> {
  // Own keys only, and entries rather than assignments: a query may name `__proto__`.
  const numeric = (key: string) =>
    !!schema && Object.hasOwn(schema.shape, key) && expectsNumber(schema.shape[key] as z.ZodType);
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      numeric(key) && /^-?\d+$/.test(value) ? Number(value) : value,
    ]),
  );
}

function expectsNumber(schema: z.ZodType): boolean {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  if (def.type === 'number') return true;
  return (def.type === 'optional' || def.type === 'default') && def.innerType
    ? expectsNumber(def.innerType)
    : false;
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw, 'http://berth.local');
  } catch {
    throw new DomainError('VALIDATION', 'The request target is not a valid URL.');
  }
}

/**
 * The client's address. Behind our balancer (TRUST_PROXY) it is the last X-Forwarded-For entry,
 * the one the balancer appended: entries before it are whatever the client sent.
 */
export function clientAddress(raw: RawRequest, trustProxy: boolean): string {
  const forwarded = trustProxy ? raw.headers['x-forwarded-for'] : undefined;
  const last = forwarded
    ?.split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .pop();
  const address = last ?? raw.remoteAddress;
  return `addr:${address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')}`;
}

/** Which account a sign-in, registration, refresh or logout is about: its email, or its token. */
function accountOf(body: unknown): string | null {
  const b = body as { email?: unknown; refreshToken?: unknown } | null;
  if (typeof b?.email === 'string') return `email:${b.email.trim().toLowerCase()}`;
  const token = typeof body === 'string' ? body : b?.refreshToken;
  if (typeof token === 'string')
    return `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
  return null;
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  if (body.length > MAX_BODY_BYTES) {
    throw new DomainError('VALIDATION', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new DomainError('VALIDATION', 'The request body is not valid JSON.');
  }
}

export function failure(err: DomainError, status = STATUS_OF[err.code]): HttpResult {
  const retryAfterMs = err.details?.retryAfterMs;
  const headers =
    typeof retryAfterMs === 'number'
      ? { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }
      : undefined;
  return { status, body: { ok: false, error: err.toAck() } satisfies Ack<never>, headers };
}
