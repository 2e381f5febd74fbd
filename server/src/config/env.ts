import { TIMETABLE_TIME_ZONE } from '@berth/shared';
import { z } from 'zod';
import { parseRateLimits } from '../common/rate-limits.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

/** Every variable Berth reads. Unset means the default; anything else must parse or start-up fails. */
const envSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Where the embedded PostgreSQL keeps its files when DATABASE_URL is unset. */
  BERTH_DATA_DIR: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: int(1024, 65535).default(54329),
  DB_POOL_MAX: int(1, 500).default(20),
  /**
   * Commands that may wait for a database connection before the next is answered OVERLOADED at
   * once; unset: twice DB_POOL_MAX. A queue without bound only turns a burst into timeouts.
   */
  OVERLOAD_QUEUE_DEPTH: int(0, 100_000).optional(),
  /** The least an OVERLOADED answer asks a client to wait; more when the queue is deeper. */
  OVERLOAD_RETRY_AFTER_MS: int(1, 10_000).default(250),
  PORT: int(1, 65535).default(8080),
  /** The built web client to serve; default: the workspace's `web/build`. */
  BERTH_WEB_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOLD_SECONDS: int(1, 3600).default(300),
  SWEEP_INTERVAL_MS: int(50, 60_000).default(1000),
  /** Passengers a (run, class) waitlist takes, paid and unpaid places together. */
  WAITLIST_LIMIT: int(0, 10_000).default(60),
  /** How often the promotion job looks for waiting parties a free berth now fits. */
  PROMOTION_INTERVAL_MS: int(50, 60_000).default(1000),
  /**
   * The chart is prepared this long before a train leaves a passenger's boarding station: a
   * booking still waitlisted then is cancelled and refunded in full, and no new waitlist place
   * is sold for that boarding (RAC passengers travel).
   */
  CHART_MINUTES_BEFORE: int(0, 7 * 24 * 60).default(240),
  /** How often the chart job looks for waitlisted bookings whose chart is due. */
  CHART_INTERVAL_MS: int(100, 600_000).default(15_000),
  SWEEP_BATCH: int(1, 10_000).default(200),
  RECONCILE_INTERVAL_MS: int(100, 600_000).default(5000),
  /** Initial gateway behaviour; an admin changes it at run time (stored in the database). */
  GATEWAY_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  GATEWAY_LATENCY_MS: int(0, 60_000).default(150),
  GATEWAY_TIMEOUT_MS: int(1, 120_000).default(5000),
  /** Cancellations close this many minutes before departure from the boarding station. */
  CANCEL_CUTOFF_MINUTES: int(0, 7 * 24 * 60).default(60),
  /** Share of the fare refunded on a cancellation before the cutoff. */
  REFUND_PERCENT: int(0, 100).default(100),
  /**
   * Bookings open this many service dates ahead, today included: search refuses dates outside
   * them (OUTSIDE_BOOKING_WINDOW), and seeding on start creates runs for the same dates.
   */
  BOOKING_WINDOW_DAYS: int(1, 366).default(7),
  /** Time zone in which a search date is read (the stations' local time). */
  BERTH_TIMEZONE: z.string().min(1).default(TIMETABLE_TIME_ZONE),
  SEED_ON_START: bool.default(true),
  /** `auto`: uWebSockets.js when a build loads natively here, else Node's HTTP server. */
  BERTH_TRANSPORT: z.enum(['auto', 'uws', 'node']).default('auto'),
  /** This node's name in logs and /api/health; default host-pid-port. */
  NODE_ID: z.string().min(1).max(64).optional(),
  /** Extra browser origins allowed to open sockets (comma-separated); same-origin and localhost always are. */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  MAX_SOCKETS_PER_USER: int(1, 1000).default(20),
  /**
   * Limits per minute over the defaults, e.g. `hold:create=30,http:auth=10`: socket commands per
   * user, HTTP route classes per user or address (see common/rate-limits.ts).
   */
  RATE_LIMITS: z
    .string()
    .default('')
    .superRefine((spec, ctx) => {
      try {
        parseRateLimits(spec);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /**
   * Behind our balancer: take the client's address from X-Forwarded-For (its last entry) for the
   * HTTP limits. Off by default: without a balancer that sets it, anyone could claim any address.
   */
  TRUST_PROXY: bool.default(false),
  OUTBOX_RELAY_INTERVAL_MS: int(5, 10_000).default(50),
  DIGEST_INTERVAL_MS: int(200, 600_000).default(5000),
  /** Published outbox rows are deleted after this long (the audit log keeps the history). */
  OUTBOX_RETENTION_HOURS: int(1, 8760).default(24),
  /** Access tokens are short-lived JWTs; refresh tokens rotate. */
  ACCESS_TOKEN_TTL_SECONDS: int(1, 86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(30),
  /** Secret for access tokens; unset: one generated once and kept in the database for all nodes. */
  JWT_SECRET: z.string().min(32).optional(),
  /** Redis for the Socket.IO adapter; unset: a single node with the in-memory adapter. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * A fault to inject, for failure tests only: `kill-after-commit` stops this node's outbox relay
   * and SIGKILLs the process right after its next commit. Refused unless BERTH_TEST_FAULTS=1.
   */
  BERTH_FAULT: z.enum(['kill-after-commit']).optional(),
  BERTH_TEST_FAULTS: bool.default(false),
  /** The race demo: on by default with the embedded database, off with DATABASE_URL. */
  BERTH_DEMO: bool.optional(),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** The race demo is on by default with the embedded database and off with DATABASE_URL. */
export const demoEnabled = (c: Config) => c.BERTH_DEMO ?? !c.DATABASE_URL;

/** Parses the environment once; the message names every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema
    .refine((c) => !c.BERTH_FAULT || c.BERTH_TEST_FAULTS, {
      message: 'fault injection is for tests only: set BERTH_TEST_FAULTS=1 as well',
      path: ['BERTH_FAULT'],
    })
    .safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])])}: ${i.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
