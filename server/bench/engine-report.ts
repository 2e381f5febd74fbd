/** What `pnpm bench:engine` prints once it has measured: the tables, the targets, the BENCH line. */
import { APT_HINT, ENGINE_HOLD_STATEMENTS } from './pgbench.ts';
import { RAW_STATEMENTS_PER_HOLD } from './raw-hold.ts';
import { median, percentile, round, table } from './stats.ts';

/** pgbench runs the engine's statements; pgbench_steps the raw baseline's fourteen. */
export type Path = 'engine' | 'raw' | 'pgbench' | 'pgbench_steps';

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim().toLowerCase();

/** Whether pgbench sends exactly the engine's statements. */
function compareStatements(engine: string[]): string {
  const expected = ENGINE_HOLD_STATEMENTS.map(normalise);
  const sent = engine.map(normalise);
  const differing = sent
    .map((s, i) =>
      s === expected[i]
        ? null
        : `  #${i + 1} engine: ${s.slice(0, 100)}\n      pgbench: ${(expected[i] ?? '(none)').slice(0, 100)}`,
    )
    .filter((d) => d !== null);
  if (sent.length === expected.length && differing.length === 0)
    return "pgbench sends exactly the engine's statements; the raw baseline the 13 one by one";
  return `pgbench DIFFERS from the engine (${sent.length} vs ${expected.length} statements):\n${differing.join('\n')}`;
}

export function report(
  settings: {
    seconds: number;
    rounds: number;
    levels: readonly number[];
    contenders: number;
    loserRounds: number;
  },
  rates: Record<Path, Record<number, number[]>>,
  latencies: number[],
  statements: string[],
  explained: string,
  pgbench: string | null,
) {
  const { seconds: SECONDS, rounds: ROUNDS, levels: LEVELS } = settings;
  const { contenders: CONTENDERS, loserRounds: LOSER_ROUNDS } = settings;
  const med = (path: Path, c: number) => median(rates[path][c] ?? []);
  const rounds = (path: Path, c: number) =>
    (rates[path][c] ?? []).map((x) => Math.round(x)).join(' / ') || 'n/a';
  const whole = (x: number) => (Number.isNaN(x) ? 'n/a' : String(Math.round(x)));
  const ratio = (a: number, b: number) => (Number.isNaN(a / b) ? 'n/a' : (a / b).toFixed(2));
  console.log(
    `\nround trips per hold: engine ${statements.length}, raw ${RAW_STATEMENTS_PER_HOLD}` +
      `\n  engine sent: ${statements.map((s) => s.split(' ').slice(0, 3).join(' ')).join(' | ')}` +
      `\n  ${compareStatements(statements)}`,
  );
  console.log(`\n${explained}\n`);
  console.log(
    `holds/s of fresh seats, median of ${ROUNDS} round(s) x ${SECONDS} s; pool size = clients` +
      ` = concurrency. raw: the hold's fourteen steps one by one through pg; pgbench: the` +
      ` engine's statements, -M prepared; pgbench steps: the raw fourteen, -M prepared` +
      ` (${pgbench ?? `not found: ${APT_HINT}`})`,
  );
  console.log(
    table([
      [
        'level',
        'engine',
        'raw',
        'pgbench',
        'pgbench steps',
        'engine/raw',
        'engine/pgbench',
        'engine/steps',
        'engine rounds',
        'raw rounds',
        'pgbench rounds',
        'steps rounds',
      ],
      ...LEVELS.map((c) => [
        `c${c}`,
        whole(med('engine', c)),
        whole(med('raw', c)),
        whole(med('pgbench', c)),
        whole(med('pgbench_steps', c)),
        ratio(med('engine', c), med('raw', c)),
        ratio(med('engine', c), med('pgbench', c)),
        ratio(med('engine', c), med('pgbench_steps', c)),
        rounds('engine', c),
        rounds('raw', c),
        rounds('pgbench', c),
        rounds('pgbench_steps', c),
      ]),
    ]),
  );
  const p50 = percentile(latencies, 0.5);
  const p99 = percentile(latencies, 0.99);
  console.log(
    `\nloser latency, ${CONTENDERS} contenders on one seat, ${LOSER_ROUNDS} rounds (${latencies.length} losers):` +
      ` p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
  );
  const ratioC32 = med('engine', 32) / med('raw', 32);
  const ratioPgbench = med('engine', 8) / med('pgbench', 8);
  console.log(
    `targets: ratio_pgbench_c8 ${ratio(med('engine', 8), med('pgbench', 8))} (>= 0.8),` +
      ` loser_p99 ${p99.toFixed(1)} ms (< 50); ratio_c32 (engine/raw) ${ratioC32.toFixed(2)}`,
  );
  const level = (path: Path) =>
    Object.fromEntries(LEVELS.map((c) => [`c${c}`, Math.round(med(path, c))]));
  const pgbenchAt = (c: number, path: Path = 'pgbench') =>
    pgbench ? Math.round(med(path, c)) : 'n/a';
  const bench = {
    engine: level('engine'),
    raw: level('raw'),
    ratio_c32: round(ratioC32, 3),
    loser_p50_ms: round(p50, 2),
    loser_p99_ms: round(p99, 2),
    pgbench_c1: pgbenchAt(1),
    pgbench_c8: pgbenchAt(8),
    pgbench_c32: pgbenchAt(32),
    ratio_pgbench_c8: pgbench ? round(ratioPgbench, 3) : 'n/a',
    // The same steps as fourteen prepared statements: what the database does without the function.
    pgbench_steps_c8: pgbenchAt(8, 'pgbench_steps'),
    ratio_pgbench_steps_c8: pgbench ? round(med('engine', 8) / med('pgbench_steps', 8), 3) : 'n/a',
  };
  console.log(`BENCH ${JSON.stringify(bench)}`);
}
