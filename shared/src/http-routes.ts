import { z } from 'zod';
import {
  gatewaySettingsSchema,
  auditQuerySchema,
  occupancyRequestSchema,
} from './schemas/admin.ts';
import {
  authTokensSchema,
  loginRequestSchema,
  logoutRequestSchema,
  publicUserSchema,
  refreshRequestSchema,
  registerRequestSchema,
  signedOutSchema,
} from './schemas/auth.ts';
import { bookingViewSchema } from './schemas/booking.ts';
import { pnrSchema, serialId, stationCode } from './schemas/common.ts';
import { demoSessionSchema } from './schemas/race.ts';
import {
  calendarSchema,
  departuresRequestSchema,
  searchRequestSchema,
  searchResultSchema,
  stationPrefixSchema,
} from './schemas/search.ts';
import { seatMapRequestSchema, seatMapSchema } from './schemas/seats.ts';
import {
  adminStatsSchema,
  auditPageSchema,
  gatewaySettingsViewSchema,
  nodeStatsSchema,
  pnrStatusSchema,
  runOccupancySchema,
  stationViewSchema,
} from './schemas/views.ts';

/** GET /api/health: the node's report, `ok` false (and status 503) when the database is away. */
export const healthReportSchema = z.object({
  ok: z.boolean(),
  nodeId: z.string(),
  /** `uWebSockets.js (<build>)` or `node:http (<why>)`. */
  transport: z.string(),
  adapter: z.string(),
  database: z.object({
    state: z.enum(['up', 'down']),
    latencyMs: z.number().optional(),
    error: z.string().optional(),
  }),
  redis: z.object({
    state: z.enum(['up', 'down', 'not configured']),
    effect: z.string().optional(),
  }),
  sockets: z.number(),
  uptimeSeconds: z.number(),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

/**
 * How a route's answer is sent:
 * - `ack`: JSON `{ ok: true, data }` (data matches `answer`) or `{ ok: false, error }`;
 * - `json`: the JSON body `answer` describes, as it is;
 * - `text`, `html`: a string (Prometheus text, a page);
 * - `file`: a static file with its own content type.
 */
export type AnswerFormat = 'ack' | 'json' | 'text' | 'html' | 'file';

export interface HttpRouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/api/bookings/:pnr` style; a parameter is one path segment. */
  path: string;
  /** One line for the API reference. */
  summary: string;
  tag: 'system' | 'auth' | 'catalog' | 'bookings' | 'admin' | 'demo';
  /** 'user' requires a signed-in user, 'admin' an admin; absent: anyone. */
  auth?: 'user' | 'admin';
  /**
   * The rate limit it counts against: `auth` (sign-in and the like: per address and per account),
   * `read` and `write` (per user, or per address when anonymous), `none`. Default: `read` for GET,
   * else `write`.
   */
  limit?: 'auth' | 'read' | 'write' | 'none';
  /** What a client may send: the schemas the server's services parse it with. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answer's schema (`data` of the ack, or the whole body: see `format`). */
  answer: z.ZodType;
  /** Default `ack`. */
  format?: AnswerFormat;
  /** The status of a success; default 200. */
  status?: 200 | 201;
}

const text = z.string();

/**
 * Every HTTP route of a node. The server registers one handler per entry (a route without a
 * handler does not compile), the web calls them through one client built from this table, and
 * the OpenAPI document at /api/openapi.json is generated from it.
 */
export const httpRoutes = {
  health: {
    method: 'GET',
    path: '/api/health',
    summary:
      'Node id, transport, adapter, database and Redis state (503 while the database is away)',
    tag: 'system',
    limit: 'none',
    answer: z.object({ ok: z.boolean(), data: healthReportSchema }),
    format: 'json',
  },
  metrics: {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of this node',
    tag: 'system',
    limit: 'none',
    answer: text,
    format: 'text',
  },
  openApi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'system',
    answer: z.record(z.string(), z.unknown()),
    format: 'json',
  },
  apiDocs: {
    method: 'GET',
    path: '/api/docs',
    summary: 'A browsable reference of this API (Swagger UI, served by the node itself)',
    tag: 'system',
    answer: text,
    format: 'html',
  },
  apiDocsFile: {
    method: 'GET',
    path: '/api/docs/:file',
    summary: "The reference page's scripts and styles",
    tag: 'system',
    params: z.object({ file: z.string().regex(/^[a-z0-9.-]{1,60}$/) }),
    answer: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
    format: 'file',
  },

  register: {
    method: 'POST',
    path: '/api/auth/register',
    summary: 'Create an account; answers a signed-in session',
    tag: 'auth',
    limit: 'auth',
    body: registerRequestSchema,
    answer: authTokensSchema,
    status: 201,
  },
  login: {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Sign in: an access token (15 min) and a refresh token',
    tag: 'auth',
    limit: 'auth',
    body: loginRequestSchema,
    answer: authTokensSchema,
  },
  refresh: {
    method: 'POST',
    path: '/api/auth/refresh',
    summary:
      'Rotate the refresh token; presenting a spent one revokes that whole sign-in, on every node',
    tag: 'auth',
    limit: 'auth',
    body: refreshRequestSchema,
    answer: authTokensSchema,
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'End that sign-in, on every node',
    tag: 'auth',
    limit: 'auth',
    body: logoutRequestSchema,
    answer: z.null(),
  },
  logoutEverywhere: {
    method: 'POST',
    path: '/api/auth/logout-everywhere',
    summary: 'Sign out everywhere: end every sign-in of the caller, this one included',
    tag: 'auth',
    auth: 'user',
    answer: signedOutSchema,
  },
  me: {
    method: 'GET',
    path: '/api/auth/me',
    summary: 'Who am I',
    tag: 'auth',
    auth: 'user',
    answer: publicUserSchema,
  },

  stations: {
    method: 'GET',
    path: '/api/stations',
    summary: 'Station autocomplete: a code, name or city beginning with `prefix`',
    tag: 'catalog',
    query: z.object({ prefix: stationPrefixSchema.optional() }),
    answer: z.array(stationViewSchema),
  },
  departures: {
    method: 'GET',
    path: '/api/stations/:code/departures',
    summary: "A station's departures board: runs leaving it that date, free seats to the terminus",
    tag: 'catalog',
    params: z.object({ code: stationCode }),
    query: departuresRequestSchema.omit({ code: true }),
    answer: z.array(searchResultSchema),
  },
  search: {
    method: 'GET',
    path: '/api/search',
    summary: 'Runs between two stations on a date, with per-class free seats for that segment',
    tag: 'catalog',
    query: searchRequestSchema,
    answer: z.array(searchResultSchema),
  },
  calendar: {
    method: 'GET',
    path: '/api/calendar',
    summary: "The stations' time zone, today there, and the booking window",
    tag: 'catalog',
    answer: calendarSchema,
  },
  seatMap: {
    method: 'GET',
    path: '/api/runs/:runId/seats',
    summary: 'The seat map for a segment (the whole run without from/to; `yours` when signed in)',
    tag: 'catalog',
    params: z.object({ runId: serialId }),
    query: seatMapRequestSchema.omit({ runId: true }),
    answer: seatMapSchema,
  },

  myBookings: {
    method: 'GET',
    path: '/api/bookings',
    summary: 'My bookings',
    tag: 'bookings',
    auth: 'user',
    answer: z.array(bookingViewSchema),
  },
  booking: {
    method: 'GET',
    path: '/api/bookings/:pnr',
    summary: 'One booking, to its owner or an admin (NOT_FOUND for anyone else)',
    tag: 'bookings',
    auth: 'user',
    params: z.object({ pnr: pnrSchema }),
    answer: bookingViewSchema,
  },
  pnrStatus: {
    method: 'GET',
    path: '/api/pnr/:pnr',
    summary: "A PNR's public status: journey and berths, no personal data",
    tag: 'bookings',
    params: z.object({ pnr: pnrSchema }),
    answer: pnrStatusSchema,
  },

  adminNodes: {
    method: 'GET',
    path: '/api/admin/nodes',
    summary: 'Every live node: transport, Redis state, connections, commands, pushes, memory',
    tag: 'admin',
    auth: 'admin',
    answer: z.array(nodeStatsSchema),
  },
  adminStats: {
    method: 'GET',
    path: '/api/admin/stats',
    summary: 'Bookings by status, live holds, revenue and refunds, pending work',
    tag: 'admin',
    auth: 'admin',
    answer: adminStatsSchema,
  },
  adminOccupancy: {
    method: 'GET',
    path: '/api/admin/occupancy',
    summary: 'Occupancy per run and class, for runs with a service date in [from, to]',
    tag: 'admin',
    auth: 'admin',
    query: occupancyRequestSchema,
    answer: z.array(runOccupancySchema),
  },
  adminAudit: {
    method: 'GET',
    path: '/api/admin/audit',
    summary: 'The audit trail, newest first, in cursor pages',
    tag: 'admin',
    auth: 'admin',
    query: auditQuerySchema,
    answer: auditPageSchema,
  },
  gatewaySettings: {
    method: 'GET',
    path: '/api/admin/gateway',
    summary: "The simulated payment gateway's failure rate, latency and timeout",
    tag: 'admin',
    auth: 'admin',
    answer: gatewaySettingsViewSchema,
  },
  setGatewaySettings: {
    method: 'PUT',
    path: '/api/admin/gateway',
    summary: 'Change the simulated payment gateway at run time (any subset)',
    tag: 'admin',
    auth: 'admin',
    body: gatewaySettingsSchema,
    answer: gatewaySettingsViewSchema,
  },

  demoSession: {
    method: 'POST',
    path: '/api/demo/session',
    summary:
      'While the race demo is on: a session as demo user demoNN (demo users hold seats of the demo run only)',
    tag: 'demo',
    limit: 'auth',
    body: demoSessionSchema,
    answer: authTokensSchema,
  },
} as const satisfies Record<string, HttpRouteSpec>;

export type HttpRoutes = typeof httpRoutes;
export type RouteName = keyof HttpRoutes;

type Field<N extends RouteName, K extends string> =
  HttpRoutes[N] extends Record<K, infer S> ? S : never;

/** What a route answers: the ack's `data`, or the whole body (format `json`). */
export type RouteAnswer<N extends RouteName> = z.output<Field<N, 'answer'>>;

/** What a client sends to a route: its path parameters, query and body, as their schemas accept. */
export type RouteInput<N extends RouteName> = ([Field<N, 'params'>] extends [never]
  ? unknown
  : { params: z.input<Field<N, 'params'>> }) &
  ([Field<N, 'query'>] extends [never] ? unknown : { query?: z.input<Field<N, 'query'>> }) &
  ([Field<N, 'body'>] extends [never] ? unknown : { body: z.input<Field<N, 'body'>> });

/**
 * The URL of a call: path parameters percent-encoded into the path, query values (those set) in
 * the query string, in the order given.
 */
export function routeUrl(
  name: RouteName,
  input: { params?: Record<string, string | number>; query?: object } = {},
): string {
  const path = httpRoutes[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = input.params?.[key];
    if (value === undefined) throw new Error(`${name}: path parameter ${key} is missing`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(input.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}
