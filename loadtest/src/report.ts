import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { codeTotal, type ArtilleryFigures, type Summary } from './artillery-report.ts';
import { describeFault, type FaultDone } from './chaos.ts';
import type { ConfirmationReport, VerifyResult } from './checks.ts';
import { repoRoot, type LoadtestOptions, type Shape } from './options.ts';
import { within, type TruthReport, type WinnerReport } from './outcome.ts';
import { EXPECTED_CODES, metric, type RateRecord } from './plan.ts';
import type { Usage } from './resources.ts';

export interface ReportData {
  options: LoadtestOptions;
  shape: Shape;
  startedAt: Date;
  settings: Record<string, string>;
  rates: RateRecord;
  figures: ArtilleryFigures;
  truth: TruthReport;
  winners: WinnerReport;
  confirmations: ConfirmationReport;
  verify: VerifyResult;
  usage: { processes: Usage[]; machinePercent: number; seconds: number; window: string };
  drain: { ms: number; ok: boolean };
  connectionsPerNode: number[];
  problems: string[];
  artilleryExit: number | null;
  seatLabels: Map<number, string>;
  /** The faults of a `--chaos` run as they happened; none otherwise. */
  faults: FaultDone[];
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

/** The hold figures: offered, sent and answered per second in the measured window. */
export function holdFigures(d: Pick<ReportData, 'options' | 'shape' | 'rates'>) {
  const { shape, rates, options } = d;
  const rush = shape.rushMs > 0 && options.scenario === 'rush';
  // The rush is measured on its plateau (after the ramp); the others over the whole load.
  const fromS = rush ? Math.ceil((shape.rushAtMs + shape.rampMs) / 1000) : 0;
  const toS = rush
    ? Math.floor((shape.rushAtMs + shape.rushMs) / 1000)
    : Math.ceil(shape.loadEndMs / 1000);
  const seconds = Math.max(1, toS - fromS);
  const sent = within(rates.sent, fromS, toS) / seconds;
  const answered = within(rates.answered, fromS, toS) / seconds;
  const total = within(rates.answered, 0, rates.answered.length);
  const afterLoad = within(
    rates.answered,
    Math.ceil(shape.loadEndMs / 1000),
    rates.answered.length,
  );
  const peak = Math.max(
    0,
    ...rates.answered.slice(rush ? Math.floor(shape.rushAtMs / 1000) : 0, toS),
  );
  return {
    window: rush ? `the rush plateau, t0+${fromS}..${toS} s` : `the whole load, t0+0..${toS} s`,
    peak,
    offered: rush ? options.peak : sent,
    sent,
    answered,
    ok: within(rates.ok, 0, rates.ok.length),
    total,
    afterLoad,
    lastAnswerS: rates.answered.length,
  };
}

/** Answers neither expected under load nor failing the run (a VALIDATION is the load test's bug). */
export function unexpectedCodes(f: ArtilleryFigures): string[] {
  const known = new Set<string>([...EXPECTED_CODES, 'CONTRACT', 'INTERNAL', 'LOST_ACK']);
  const out: string[] = [];
  for (const [command, codes] of f.codes)
    for (const [code, n] of codes) if (!known.has(code)) out.push(`${command} ${code} x${n}`);
  return out;
}

/** The LOADTEST line's figures (snake_case keys for machines). */
export function summarize(d: ReportData, failures: string[], reportDir: string) {
  const h = holdFigures(d);
  const hold = d.figures.summaries[metric.ack('hold:create')];
  const fan = d.figures.summaries[metric.fanout];
  const converge = d.figures.summaries[metric.converge];
  const gen = d.usage.processes.find((p) => p.name === 'load generator');
  const nodes = d.usage.processes.filter((p) => p.name.startsWith('node-'));
  return {
    ok: failures.length === 0,
    scenario: d.options.scenario,
    seed: d.options.seed,
    nodes: d.options.nodes,
    vus: d.shape.totalVus,
    offered_holds_per_s: round(h.offered, 1),
    sent_holds_per_s: round(h.sent, 1),
    holds_per_s: round(h.answered, 1),
    holds_peak_per_s: h.peak,
    holds_ok: h.ok,
    holds_answered_after_load: h.afterLoad,
    ack_p50_ms: round(hold?.p50, 1),
    ack_p95_ms: round(hold?.p95, 1),
    ack_p99_ms: round(hold?.p99, 1),
    fanout_batches: fan?.count ?? 0,
    fanout_p50_ms: round(fan?.p50, 1),
    fanout_p95_ms: round(fan?.p95, 1),
    fanout_p99_ms: round(fan?.p99, 1),
    fanout_max_ms: round(fan?.max, 1),
    stale_seats: d.truth.staleSeats,
    maps_compared: d.truth.maps,
    max_winners: d.winners.maxWinners,
    confirmations: d.confirmations.confirmed,
    lost_confirmations: d.confirmations.lost.length,
    verify_ok: d.verify.ok,
    contract: codeTotal(d.figures, 'CONTRACT'),
    internal: codeTotal(d.figures, 'INTERNAL'),
    lost_acks: codeTotal(d.figures, 'LOST_ACK'),
    vusers_failed: d.figures.counters['vusers.failed'] ?? 0,
    unexpected_codes: unexpectedCodes(d.figures).length,
    gen_cpu_percent: round(gen?.cpuPercent, 0),
    gen_rss_mb: round(gen?.peakRssMb, 0),
    rush_unsent: d.figures.counters['berth.rush.unsent'] ?? 0,
    nodes_cpu_percent: round(
      nodes.reduce((s, n) => s + n.cpuPercent, 0),
      0,
    ),
    machine_cpu_percent: round(d.usage.machinePercent, 0),
    chaos_faults: d.faults.length,
    lost_acks_retried: d.figures.counters['berth.chaos.lost_acks_retried'] ?? 0,
    reconnects: d.figures.counters['berth.reconnects'] ?? 0,
    converge_p50_ms: round(converge?.p50, 1),
    converge_p99_ms: round(converge?.p99, 1),
    converge_stale: d.figures.counters[metric.convergeStale] ?? 0,
    failures: failures.length,
    report: path.relative(repoRoot, reportDir),
  };
}

function round(x: number | undefined, digits: number): number | null {
  if (x === undefined || !Number.isFinite(x)) return null;
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const pct = (s: Summary | undefined) =>
  s ? [String(s.count), f1(s.p50), f1(s.p95), f1(s.p99), f1(s.max)] : ['0', '', '', '', ''];

/** The chaos run's faults and what the clients did about them (empty when there was no chaos). */
function chaosSection(d: ReportData): string {
  if (!d.options.chaos) return '';
  const rows = d.faults.map((f) => [
    `t0+${f1(f.startedAtMs / 1000)} s`,
    describeFault(f),
    f.error ? `failed: ${f.error}` : `${f1(f.downMs / 1000)} s`,
  ]);
  return `## Chaos

Faults injected during the load (\`--chaos\`), each waited for until the component was back:

${table(['when', 'fault', 'back after'], rows)}

Acks lost to a killed node or a dropped connection, and sent again with the same key once
reconnected: ${d.figures.counters['berth.chaos.lost_acks_retried'] ?? 0}. A lost ack that three
retries did not recover still fails the run.

The CPU figures below count a killed node only until its kill (its restart is a new process).

Slow consumers (stopped reading for a while): ${d.figures.counters['berth.chaos.slow_consumers'] ?? 0};
users dropped at once in the reconnect storm: ${d.figures.counters['berth.chaos.storm_reconnects'] ?? 0};
reconnects in all: ${d.figures.counters['berth.reconnects'] ?? 0}; digests that found a map behind:
${d.figures.counters['berth.digest_behind'] ?? 0}.

Time to converge (from a reconnect, or from a digest that found a map behind, to fresh snapshots
of every map; target p99 under 2 s; a map still stale after 10 s fails the run):

${table(['re-snapshots', 'p50', 'p95', 'p99', 'max', 'stale after 10 s'], [[...pct(d.figures.summaries[metric.converge]), String(d.figures.counters[metric.convergeStale] ?? 0)]])}

`;
}

export function writeReport(dir: string, d: ReportData, failures: string[]): string {
  const h = holdFigures(d);
  const o = d.options;
  const commands = [...d.figures.codes.keys()].sort();
  const codes = [...new Set(commands.flatMap((c) => [...d.figures.codes.get(c)!.keys()]))].sort(
    (a, b) => (a === 'OK' ? -1 : b === 'OK' ? 1 : a.localeCompare(b)),
  );
  const ackRows = Object.entries(d.figures.summaries)
    .filter(([name]) => name.startsWith('berth.ack.') || name.startsWith('berth.http.'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => [name.replace(/^berth\./, ''), ...pct(s)]);
  const fan = d.figures.summaries[metric.fanout];
  const unexpected = unexpectedCodes(d.figures);
  const md = `# Berth load test: ${o.scenario}

${failures.length === 0 ? '**PASS**: no contract breach, internal error, lost ack, double winner, stale seat, verifier finding or lost confirmation.' : `**FAIL** (${failures.length}):\n\n${failures.map((x) => `- ${x}`).join('\n')}`}

Started ${d.startedAt.toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}.
Seed ${o.seed}; ${o.nodes} node(s) behind a round-robin TCP balancer; ${d.shape.totalVus} virtual users
(${d.shape.personas.map((p) => `${p.persona} weight ${p.weight}`).join(', ')}) arriving over ${d.shape.arriveMs / 1000} s;
${d.shape.rushMs > 0 ? `rush at t0+${d.shape.rushAtMs / 1000} s: ramp ${d.shape.rampMs / 1000} s to ${o.peak} holds/s for ${d.shape.rushMs / 1000} s over ${d.shape.rushUsers} users; ` : ''}load ends at t0+${d.shape.loadEndMs / 1000} s (t0: the first virtual user's start).
Ack timeout ${o.ackTimeoutMs} ms. Artillery ran at nice ${o.nice} and exited with ${d.artilleryExit ?? 'a signal'}.

Settings given to the nodes: ${Object.entries(d.settings)
    .map(([k, v]) => `\`${k}=${v}\``)
    .join(', ')}.

## Holds

Measured over ${h.window}.

| figure | value |
|---|---|
| offered (scheduled) holds/s | ${f1(h.offered)} |
| sent holds/s | ${f1(h.sent)} |
| achieved: answered holds/s (any answer) | ${f1(h.answered)} |
| best second: holds answered | ${h.peak} |
| holds that got their seats (whole run) | ${h.ok} of ${h.total} answered |
| answered after the load window ended | ${h.afterLoad} (last answer in second ${h.lastAnswerS} after t0) |
| rush attempts no user could take (each had a seat, was waiting for an answer or had clicked within the second) | ${d.figures.counters['berth.rush.unsent'] ?? 0} |
| rush users who joined after the instant | ${d.figures.counters['berth.rush.late'] ?? 0} |
| disconnects (by the server or the network) / reconnects | ${d.figures.counters['berth.disconnects'] ?? 0} / ${d.figures.counters['berth.reconnects'] ?? 0} |
| drained (every command answered, outbox empty) | ${d.drain.ok ? `${f1(d.drain.ms / 1000)} s after the load ended` : `not within ${f0(d.drain.ms / 1000)} s`} |

${chaosSection(d)}## Ack latency per command (ms, emit to ack, as each virtual user saw it)

${table(['command', 'count', 'p50', 'p95', 'p99', 'max'], ackRows)}

## Fan-out (ms), per delivered batch

From a \`seats:changed\` batch's \`committedAt\` (the newest change in it) to its arrival at each
watching virtual user: one sample per batch and receiving user.

${table(['deliveries', 'p50', 'p95', 'p99', 'max'], [pct(fan)])}

## Answers by code

Expected under load: ${EXPECTED_CODES.join(', ')}. CONTRACT (an answer or push not matching the
zod schema), INTERNAL and LOST_ACK (no ack within the timeout) fail the run.

${table(
  ['command', ...codes],
  commands.map((c) => [c, ...codes.map((k) => String(d.figures.codes.get(c)!.get(k) ?? ''))]),
)}

${unexpected.length > 0 ? `Neither expected nor failing the run, worth a look: ${unexpected.join(', ')}.\n` : ''}
${d.problems.length > 0 ? `Examples:\n\n${d.problems.map((p) => `- ${p}`).join('\n')}\n` : ''}
## Winners per contested seat and segment

Most bookings holding one leg of one seat at one time, over every acknowledged hold: **${d.winners.maxWinners}**${d.winners.doubles.length > 0 ? `\n\n${d.winners.doubles.map((x) => `- ${x}`).join('\n')}` : ''}.

${
  d.winners.contested.length > 0
    ? table(
        ['seat', 'segment', 'contenders', 'winners'],
        d.winners.contested.map((c) => [
          d.seatLabels.get(c.seatId) ?? String(c.seatId),
          `${c.from}-${c.to}`,
          String(c.contenders),
          String(c.winners),
        ]),
      )
    : 'No sniper contested a seat in this run.'
}

## Live truth

After the load stopped and the outbox drained, ${d.truth.maps} maps (${d.truth.seats} seats) of
watching users, each its snapshot plus the deltas it applied, against a fresh snapshot
(\`yours\` read as held or booked).

| figure | value |
|---|---|
| stale seats | ${d.truth.staleSeats} (in ${d.truth.staleMaps} maps) |
| right state, version behind | ${d.truth.behindVersions} |
| digests that found a map behind (the web client would re-snapshot) | ${d.truth.digestBehind} |
| fresh snapshots after a reconnect | ${d.truth.resyncs} |
| maps reported without the drained signal | ${d.truth.undrained} |
${d.truth.examples.length > 0 ? `\n${d.truth.examples.map((x) => `- ${x}`).join('\n')}\n` : ''}
## Confirmations

${d.confirmations.confirmed} payments acknowledged \`confirmed\`: ${d.confirmations.stillConfirmed} confirmed in the database, ${d.confirmations.cancelledWithRefund} cancelled by their user with a refund, **${d.confirmations.lost.length} lost**.
${d.confirmations.lost
  .slice(0, 10)
  .map((x) => `- ${x}`)
  .join('\n')}

## The integrity checker (\`pnpm verify\`)

\`\`\`
${d.verify.output}
\`\`\`

## CPU and memory

Over ${d.usage.window} (${f1(d.usage.seconds)} s); CPU in % of one core, the machine has ${os.cpus().length * 100}%.
PostgreSQL's CPU is the postmaster's and all its backends'; its memory the postmaster's alone (the
backends share its buffers). The load generator is Artillery's process (one worker thread runs
every virtual user), at nice ${o.nice}.
Connections the balancer handed to each node: ${d.connectionsPerNode.join(', ')}.

${table(['process', 'CPU %', 'peak RSS MB'], [...d.usage.processes.map((p) => [p.name, f0(p.cpuPercent), f0(p.peakRssMb)]), ['whole machine (everything running on it)', f0(d.usage.machinePercent), '']])}

## Files

\`artillery.json\` (Artillery's own report), \`script.yml\` (the script it ran), \`plan.json\`,
\`users.csv\` (its payload), \`journal-*.jsonl\` (what the users saw), \`artillery.log\`, \`nodes.log\`.
`;
  fs.writeFileSync(path.join(dir, 'report.md'), md);
  return md;
}
