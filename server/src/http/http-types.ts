import type { z } from 'zod';
import type { Actor } from '../modules/audit/transition-writer.ts';

/** A request as both transports (uWS and Node's http) hand it to the router. */
export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Path parameters of the matched route (`:pnr`). */
  params: Record<string, string>;
  /** The parsed JSON body ({} when empty); too large or malformed bodies never reach a route. */
  body: unknown;
  /** Set by the router from the bearer token, when there is one. */
  actor: (Actor & { userId: number }) | null;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON (metrics). */
  text?: string;
  headers?: Record<string, string>;
}

/** What a route returns when plain `{ ok: true, data }` with 200 is not the answer. */
export class Reply implements HttpResult {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly text?: string,
    readonly headers?: Record<string, string>,
  ) {}
}

/** Returns the route's data (sent as `{ ok: true, data }`), or a Reply. */
export type RouteHandler = (req: HttpRequest) => Promise<unknown>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/api/bookings/:pnr` style; params are single path segments. */
  path: string;
  /** 'user' requires a signed-in user, 'admin' an admin; default anyone. */
  auth?: 'user' | 'admin';
  /**
   * The schemas from `shared/` its handler parses what it reads with (query values arrive as
   * strings; numeric ones are converted first): what a client may send, and what the fuzz suite
   * builds its requests from.
   */
  input?: RouteInput;
  /**
   * Which rate limit it counts against: `auth` (sign-in and the like: per address and per
   * account), `read` and `write` (per user, or per address when anonymous), `none`. Default:
   * `read` for GET, else `write`.
   */
  limit?: 'auth' | 'read' | 'write' | 'none';
  handler: RouteHandler;
}

export interface RouteInput {
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
}
