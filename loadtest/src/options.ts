import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

export const PERSONAS = ['watchers', 'kiosks', 'buyers', 'snipers', 'rush'] as const;
export type Persona = (typeof PERSONAS)[number];

/** A scenario is a weighted set of personas; `mix` (the smoke's) has all of them. */
export const SCENARIOS = ['rush', 'buyers', 'snipers', 'kiosks', 'watchers', 'mix'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const loadtestRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(loadtestRoot, '..');

export interface LoadtestOptions {
  scenario: Scenario;
  nodes: number;
  /** Seconds: the rush window for rush, else the arrival window. */
  durationS: number;
  seed: number;
  /** Rush: users connected and watching before the instant (who then race). */
  watchers: number;
  /** Rush: hold attempts per second offered at the peak. */
  peak: number;
  /** The other scenarios: virtual users in all. */
  vus: number;
  ackTimeoutMs: number;
  /** Kill and restart nodes, Redis and PostgreSQL during the load (see chaos.ts). */
  chaos: boolean;
  /**
   * Nodes already up (`--target`): the run starts none, and reaches their database through
   * DATABASE_URL and signs its users' tokens with their JWT_SECRET.
   */
  target?: { urls: string[]; jwtSecret?: string };
  /** Embedded PostgreSQL (unless databaseUrl) and local redis-server (unless redisUrl). */
  pgPort: number;
  redisPort: number;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  reportsDir: string;
  /** Priority of the Artillery process (the simulated browsers), as the bench's watchers. */
  nice: number;
  /** Progress and summary lines; default stdout. */
  print?: (line: string) => void;
}

interface Defaults {
  durationS: number;
  vus: number;
}
const DEFAULTS: Record<Scenario, Defaults> = {
  rush: { durationS: 30, vus: 0 },
  buyers: { durationS: 30, vus: 150 },
  snipers: { durationS: 20, vus: 120 },
  kiosks: { durationS: 30, vus: 60 },
  watchers: { durationS: 30, vus: 300 },
  mix: { durationS: 10, vus: 40 },
};

/** Personas of each scenario with their weights. Watching alone shows nothing: buyers move seats. */
export const COMPOSITION: Record<Scenario, Partial<Record<Persona, number>>> = {
  rush: { rush: 1 },
  buyers: { buyers: 1 },
  snipers: { snipers: 1 },
  kiosks: { kiosks: 2, buyers: 1 },
  watchers: { watchers: 5, buyers: 1 },
  mix: { watchers: 2, kiosks: 1, buyers: 3, snipers: 3, rush: 3 },
};

export const USAGE = `usage: pnpm loadtest [--scenario ${SCENARIOS.join('|')}] [--nodes N] [--duration S] [--seed N]
                     [--watchers N] [--peak N] [--vus N] [--ack-timeout MS] [--chaos]
                     [--target http://127.0.0.1:PORT[,...]]
  --scenario     which load (default rush): ${SCENARIOS.join(', ')}
  --nodes        Berth nodes (default 2)
  --duration     seconds: the rush window (rush, default 30) or the arrival window (others)
  --seed         seeds every choice the virtual users make (default 1)
  --watchers     rush: users connected and watching before the instant (default 1000)
  --peak         rush: hold attempts per second at the peak (default 400; mix 5)
  --vus          other scenarios: virtual users (buyers 150, snipers 120, kiosks 60, watchers 300, mix 40)
  --ack-timeout  ms an ack may take before it counts as lost (default 10000)
  --target       http://127.0.0.1:PORT[,...]: nodes already up (say \`pnpm cluster\`); needs their
                 DATABASE_URL (and their JWT_SECRET, if they were given one); loopback only
                 unless BERTH_LOADTEST_ALLOW_REMOTE=1
  --chaos        during the load, SIGKILL a random node every 20 s and restart it, restart Redis
                 once and PostgreSQL once (window at least 60 s); lost acks are retried
Environment: DATABASE_URL (else embedded PostgreSQL on LOADTEST_PG_PORT, default 54369, data in
.data/loadtest-<port>), REDIS_URL (else a local redis-server on LOADTEST_REDIS_PORT, default 16379),
LOADTEST_NICE (default 10).`;

export class UsageError extends Error {}

const int = (name: string, raw: string | undefined, fallback: number, min = 1) => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, not ${raw}`);
  return n;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * `--target`'s node URLs, refused outside loopback unless BERTH_LOADTEST_ALLOW_REMOTE=1 (a load
 * test is traffic an operator must mean to send), with the secrets the run needs of them.
 */
function parseTarget(raw: string, env: NodeJS.ProcessEnv): { urls: string[]; jwtSecret?: string } {
  const urls = raw.split(',').map((s) => s.trim().replace(/\/$/, ''));
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--target: ${url} is not a URL`);
    }
    if (parsed.protocol !== 'http:' || !parsed.port)
      throw new UsageError(`--target: give each node as http://host:port, not ${url}`);
    if (!LOOPBACK.has(parsed.hostname) && env.BERTH_LOADTEST_ALLOW_REMOTE !== '1')
      throw new UsageError(
        `--target: ${parsed.hostname} is not loopback; set BERTH_LOADTEST_ALLOW_REMOTE=1 to load it anyway`,
      );
  }
  if (!env.DATABASE_URL)
    throw new UsageError(
      "--target needs DATABASE_URL, the nodes' database: the run adds its users there and the verifier reads it",
    );
  // Unset: the nodes sign with the secret they share in their database (read there).
  return { urls, ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}) };
}

export function parseOptions(argv: string[], env = process.env): LoadtestOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', default: 'rush' },
      nodes: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      watchers: { type: 'string' },
      peak: { type: 'string' },
      vus: { type: 'string' },
      'ack-timeout': { type: 'string' },
      chaos: { type: 'boolean', default: false },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const scenario = values.scenario as Scenario;
  if (!SCENARIOS.includes(scenario))
    throw new UsageError(
      `--scenario must be one of ${SCENARIOS.join(', ')}, not ${values.scenario}`,
    );
  const d = DEFAULTS[scenario];
  const pgPort = int('LOADTEST_PG_PORT', env.LOADTEST_PG_PORT, 54369, 1024);
  const nodes = int('nodes', values.nodes, 2);
  if (nodes > 16) throw new UsageError('--nodes must be 16 or fewer');
  const durationS = int('duration', values.duration, values.chaos ? 60 : d.durationS);
  if (values.chaos && scenario !== 'rush')
    throw new UsageError('--chaos runs with the rush scenario (its window is where faults go)');
  if (values.chaos && durationS < 60)
    throw new UsageError('--chaos needs --duration 60 or more: three node kills and two restarts');
  const target = values.target === undefined ? undefined : parseTarget(values.target, env);
  if (target && values.chaos)
    throw new UsageError('--chaos starts, kills and restarts its own stack: not with --target');
  return {
    scenario,
    nodes: target ? target.urls.length : nodes,
    ...(target ? { target } : {}),
    durationS,
    seed: int('seed', values.seed, 1, 0),
    watchers: int('watchers', values.watchers, 1000),
    peak: int('peak', values.peak, scenario === 'mix' ? 5 : 400),
    vus: int('vus', values.vus, d.vus),
    ackTimeoutMs: int('ack-timeout', values['ack-timeout'], 10_000, 100),
    chaos: values.chaos === true,
    pgPort,
    redisPort: int('LOADTEST_REDIS_PORT', env.LOADTEST_REDIS_PORT, 16379, 1024),
    dataDir: path.join(repoRoot, '.data', `loadtest-${pgPort}`),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    reportsDir: path.join(loadtestRoot, 'reports'),
    nice: int('LOADTEST_NICE', env.LOADTEST_NICE, 10, 0),
  };
}

/** How many virtual users of each persona, and when everything happens (ms from t0). */
export interface Shape {
  personas: { persona: Persona; weight: number }[];
  totalVus: number;
  /** Expected rush users (the rate is spread over them). */
  rushUsers: number;
  arriveMs: number;
  rushAtMs: number;
  rushMs: number;
  rampMs: number;
  loadEndMs: number;
}

/** A buyer who arrives last needs this long for its whole journey (search to cancel). */
const BUYER_TAIL_MS = 12_000;

export function shapeOf(o: LoadtestOptions): Shape {
  const personas = Object.entries(COMPOSITION[o.scenario]).map(([persona, weight]) => ({
    persona: persona as Persona,
    weight,
  }));
  const rampMs = 2000;
  if (o.scenario === 'rush') {
    // Everyone connects at about 50 a second, then waits for the instant.
    const arriveMs = Math.max(5, Math.ceil(o.watchers / 50)) * 1000;
    const rushAtMs = arriveMs + 5000;
    const rushMs = o.durationS * 1000;
    return {
      personas,
      totalVus: o.watchers,
      rushUsers: o.watchers,
      arriveMs,
      rushAtMs,
      rushMs,
      rampMs,
      loadEndMs: rushAtMs + rushMs,
    };
  }
  const arriveMs = o.durationS * 1000;
  const totalWeight = personas.reduce((s, p) => s + p.weight, 0);
  const rushWeight = COMPOSITION[o.scenario].rush ?? 0;
  const rushUsers = Math.max(1, Math.round((o.vus * rushWeight) / totalWeight));
  const rushAtMs = arriveMs + 3000;
  const rushMs = rushWeight > 0 ? 8000 : 0;
  const tail = o.scenario === 'snipers' ? 6000 : BUYER_TAIL_MS;
  return {
    personas,
    totalVus: o.vus,
    rushUsers,
    arriveMs,
    rushAtMs,
    rushMs,
    rampMs,
    loadEndMs: Math.max(arriveMs + tail, rushAtMs + rushMs),
  };
}
