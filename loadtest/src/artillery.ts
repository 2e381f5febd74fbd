import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import YAML from 'yaml';
import { loadtestRoot, type Persona } from './options.ts';

const PROCESSOR = path.join(loadtestRoot, 'processors', 'berth.ts');
const ARTILLERY = path.join(loadtestRoot, 'node_modules', 'artillery', 'bin', 'run');

/**
 * Bundles the TypeScript processor to one CommonJS file in the report folder. Artillery can
 * bundle a .ts processor itself, but it writes `dist/<name>.js` beside it, which Node loads as
 * an ES module inside this `"type": "module"` package and fails ("module is not defined"); a
 * `.cjs` of our own, per run, also keeps two concurrent runs from writing one file.
 */
export async function bundleProcessor(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'processor', 'berth.cjs');
  await build({
    entryPoints: [PROCESSOR],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

interface ScenarioSpec {
  name: string;
  weight?: number;
  [key: string]: unknown;
}

/** The persona's scenario as written in scenarios/<persona>.yml. */
export function readPersona(persona: Persona): ScenarioSpec {
  const doc = YAML.parse(
    fs.readFileSync(path.join(loadtestRoot, 'scenarios', `${persona}.yml`), 'utf8'),
  ) as { scenarios?: ScenarioSpec[] };
  const spec = doc.scenarios?.find((s) => s.name === persona);
  if (!spec) throw new Error(`scenarios/${persona}.yml has no scenario named ${persona}`);
  return spec;
}

/**
 * The script Artillery runs: the personas' scenarios with the run's weights, one arrival phase,
 * the users as a payload read in sequence (their tokens go into the handshake), and the plan's
 * path as the one variable every step reads. Written into the report folder as it ran.
 */
export function writeScript(args: {
  file: string;
  target: string;
  processor: string;
  payload: string;
  planPath: string;
  personas: { persona: Persona; weight: number }[];
  arriveSeconds: number;
  vus: number;
}): void {
  const script = {
    config: {
      target: args.target,
      processor: args.processor,
      // arrivalCount runs in one worker: every user shares one rush schedule and one payload.
      phases: [{ name: 'arrivals', duration: args.arriveSeconds, arrivalCount: args.vus }],
      payload: [
        {
          path: args.payload,
          fields: ['index', 'userId', 'token'],
          order: 'sequence',
          skipHeader: true,
        },
      ],
      variables: { planPath: args.planPath },
      // Websocket only, as the web client: no long-polling, no sticky sessions at the balancer.
      socketio: { transports: ['websocket'] },
    },
    scenarios: args.personas.map(({ persona, weight }) => ({ ...readPersona(persona), weight })),
  };
  fs.writeFileSync(args.file, YAML.stringify(script));
}

export interface ArtilleryProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Runs `artillery run` (never `--record`, and telemetry off, through our no-op posthog-node too)
 * at a lower priority, `nice -n`, so every thread it starts inherits it: the simulated browsers
 * take what the nodes, PostgreSQL and Redis leave of the cores, as the realtime bench's watchers.
 * Its console output goes to a log file in the report folder.
 */
export function runArtillery(args: {
  script: string;
  output: string;
  log: string;
  nice: number;
}): ArtilleryProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true' };
  for (const k of Object.keys(env)) if (k.startsWith('ARTILLERY_CLOUD')) delete env[k];
  delete env.WORKER_ID;
  const out = fs.openSync(args.log, 'a');
  const command = [process.execPath, ARTILLERY, 'run', args.script, '--output', args.output];
  const child = spawn('nice', ['-n', String(args.nice), ...command], {
    cwd: path.dirname(args.script),
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    child,
    pid: child.pid ?? 0,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
