import { createHash } from 'node:crypto';
import type { Ack } from '@berth/shared';
import type { Logger } from '../common/logger.ts';
import type { RateLimits } from '../realtime/rate-limits.ts';
import { DomainError } from '../common/errors.ts';
import { toDomainError } from '../common/unavailable.ts';
import { STATUS_OF } from './error-status.ts';
import { Reply, type HttpRequest, type HttpResult, type Route } from './http-types.ts';

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

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

/**
 * Matches a request to a route, parses its JSON body and bearer token, runs it, and turns the
 * outcome into `{ ok: true, data }` or `{ ok: false, error: { code, message } }` with a fitting
 * status. An unreachable database is answered UNAVAILABLE (503); unknown errors are logged and
 * answered as INTERNAL, with nothing internal in the body.
 */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(
    private readonly authenticate: Authenticate,
    private readonly log: Logger,
    private readonly options: RouterOptions = {},
  ) {}

  add(...routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      this.routes.push({ ...route, pattern: new RegExp(`^${source}/?$`), names });
    }
    return this;
  }

  /** Every route, in the order they are matched. */
  list(): readonly Route[] {
    return this.routes;
  }

  /** True if some route serves this path (any method): the transports send the rest elsewhere. */
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
    const path = decodePath(url.pathname);
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== raw.method.toUpperCase()) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, match[i + 1]!]));
      const address = clientAddress(raw, this.options.trustProxy ?? false);
      const limit = route.limit ?? (route.method === 'GET' ? 'read' : 'write');
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
        method: route.method,
        path,
        query: url.searchParams,
        headers: raw.headers,
        params,
        body,
        actor,
      };
      if (route.auth && !req.actor)
        throw new DomainError('UNAUTHENTICATED', 'Please sign in first.');
      if (route.auth === 'admin' && req.actor?.role !== 'admin') {
        throw new DomainError('FORBIDDEN', 'Only an administrator can do this.');
      }
      const result = await route.handler(req);
      if (result instanceof Reply) return result;
      return { status: 200, body: { ok: true, data: result ?? null } satisfies Ack<unknown> };
    }
    if (pathMatched)
      return failure(new DomainError('NOT_FOUND', 'That method is not allowed here.'), 405);
    return failure(new DomainError('NOT_FOUND', `Nothing is at ${path}.`));
  }

  /** One request against its class's limit: per user when signed in, else per address. */
  private async count(
    limit: NonNullable<Route['limit']>,
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

/** The path with its percent-escapes decoded; a malformed escape is the client's mistake. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new DomainError('VALIDATION', 'The path has a malformed percent-escape.');
  }
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
