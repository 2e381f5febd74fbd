import type { HttpRouteSpec, RouteAnswer, RouteName } from '@berth/shared';
import type { Actor } from '../modules/audit/transition-writer.ts';

/** A request as both transports (uWS and Node's http) hand it to the router. */
export interface HttpRequest {
  method: string;
  path: string;
  /**
   * The query string as an object; a value the route's schema expects as a number is converted
   * when it looks like one. Still unchecked: the service parses it with that schema.
   */
  query: Record<string, unknown>;
  /** Path parameters of the matched route (`:pnr`), converted like the query. */
  params: Record<string, unknown>;
  headers: Record<string, string>;
  /** The parsed JSON body ({} when empty); too large or malformed bodies never reach a route. */
  body: unknown;
  /** Set by the router from the bearer token, when there is one. */
  actor: (Actor & { userId: number }) | null;
}

export interface HttpResult {
  status: number;
  /** JSON, or the raw text or bytes of a `text`, `html` or `file` answer. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What a transport writes: the payload and every header. JSON unless the router set a content
 * type (text, a page, a file); nothing an API answers is cached or sniffed.
 */
export function wireForm(result: HttpResult): {
  payload: string | Uint8Array;
  headers: Record<string, string>;
} {
  const raw = result.headers?.['content-type'] !== undefined;
  const payload =
    raw && (typeof result.body === 'string' || result.body instanceof Uint8Array)
      ? result.body
      : JSON.stringify(result.body ?? null);
  return {
    payload,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...result.headers,
    },
  };
}

/** A route's answer with a status (or headers) other than its route's. */
export class Reply<T> {
  constructor(
    readonly status: number,
    readonly answer: T,
    readonly headers?: Record<string, string>,
  ) {}
}

/** What a route's handler answers: `data` of its ack, or its whole body (see `AnswerFormat`). */
export type HandlerAnswer<N extends RouteName> = RouteAnswer<N> | Reply<RouteAnswer<N>>;

export type RouteHandler<N extends RouteName> = (req: HttpRequest) => Promise<HandlerAnswer<N>>;

/** One handler for every route of the table in `shared/`: a route without one does not compile. */
export type RouteHandlers = { [N in RouteName]: RouteHandler<N> };

/** A route of the table with its handler, as the router holds it. */
export interface BoundRoute {
  name: RouteName;
  spec: HttpRouteSpec;
  handler: (req: HttpRequest) => Promise<unknown>;
}
