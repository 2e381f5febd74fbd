import { round, table } from '../stats.ts';
import type { FanoutResult, HoldsResult, Percentiles, StepResult } from './phases.ts';

/** Targets on the 2-core machines: printed as met or not, never asserted. */
export const TARGETS = { fanoutP99Ms: 250, fanoutAtWatchers: 5000, ackP99Ms: 50 };

export interface SideResult {
  label: 'uws' | 'node';
  transport: string;
  memory: { beforeKb: number; afterKb: number; perSocketKb: number; sockets: number };
  fanout: Map<number, FanoutResult>;
  acks: Map<number, HoldsResult>;
  connectMs: Map<number, number>;
  steps: StepResult[];
  stepWatchers: number;
  maxChangesPerSecond: number;
}

type Better = 'lower' | 'higher';

interface Figure {
  name: string;
  key: string;
  uws: number;
  node: number;
  better: Better;
  target?: string;
  /** Why uWS can be behind on this figure, printed only when it is. */
  whyBehind: string;
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : 'n/a');
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** Within this share of each other, two figures of one run are the same within noise here. */
const NOISE = 0.15;

function behind(f: Figure): boolean {
  return f.better === 'lower' ? f.uws > f.node : f.uws < f.node;
}

function whyText(f: Figure): string {
  if (!behind(f)) return '';
  const gap = Math.abs(f.uws / f.node - 1);
  const noise = gap <= NOISE ? ` (a ${Math.round(gap * 100)}% gap: within run-to-run noise)` : '';
  return `uWS behind${noise}: ${f.whyBehind}`;
}

const holdLimited = (side: SideResult) => side.steps.some((s) => !s.keptPace);

/** What ended a side's rate ladder. */
export function limitOf(side: SideResult): string {
  const last = side.steps[side.steps.length - 1];
  if (!last) return 'no steps run';
  if (last.bounded && last.keptPace) return `passed every step up to ${last.rate}/s`;
  if (!last.keptPace && last.bounded)
    return `at ${last.rate}/s the holds fell behind (${Math.round(last.achievedPerSecond)}/s done) with fan-out still bounded`;
  if (!last.keptPace)
    return `at ${last.rate}/s the holds fell behind (${Math.round(last.achievedPerSecond)}/s done) and fan-out with them (${last.why})`;
  return `at ${last.rate}/s the fan-out became unbounded (${last.why})`;
}

const RELAY_WHY =
  'commit -> relay -> Redis -> first socket is the same code on both transports. Each node ' +
  'polls the outbox every 50 ms; whether the two timers fire together (a change waits up to ' +
  '50 ms) or 25 ms apart (up to 25 ms) is settled at start-up, not by the transport';
const SPREAD_WHY =
  "uWS publishes to the room's topic natively, but socket.io's uWS adapter then still walks " +
  'every room member in JavaScript (to find long-polling clients), so a broadcast is O(N) ' +
  'JavaScript on both; and the watcher processes reading every frame share the two cores';

function figures(uws: SideResult, node: SideResult): Figure[] {
  const out: Figure[] = [];
  for (const n of [...uws.fanout.keys()]) {
    const a = uws.fanout.get(n)!;
    const b = node.fanout.get(n);
    if (!b) continue;
    const target = n === TARGETS.fanoutAtWatchers ? `p99 < ${TARGETS.fanoutP99Ms}` : undefined;
    const fan = (name: string, key: string, pick: (r: FanoutResult) => number, why: string) =>
      out.push({ name, key, uws: pick(a), node: pick(b), better: 'lower', whyBehind: why });
    const relayWhy = RELAY_WHY;
    const spreadWhy = SPREAD_WHY;
    fan(`fan-out ${n} p50 (ms)`, `fanout_${n}_p50`, (r) => r.last.p50, spreadWhy);
    fan(`fan-out ${n} p99 (ms)`, `fanout_${n}_p99`, (r) => r.last.p99, spreadWhy);
    if (target) out[out.length - 1]!.target = target;
    fan(`  first watcher p50 (ms)`, `first_${n}_p50`, (r) => r.first.p50, relayWhy);
    fan(`  first->last spread p99 (ms)`, `spread_${n}_p99`, (r) => r.spread.p99, spreadWhy);
  }
  const ackWhy = (samples: number) =>
    'an ack is the hold transaction in PostgreSQL (~8 statements, ~5 ms) plus any wait for the ' +
    "node's event loop, which each broadcast to the watchers holds for as long as it takes to " +
    `write every frame; of ${samples} holds the p99 is one of the slowest two, so one stall decides it`;
  for (const n of [...uws.acks.keys()]) {
    const a = uws.acks.get(n)!;
    const b = node.acks.get(n);
    if (!b) continue;
    const last = n === Math.max(...uws.acks.keys());
    out.push(
      {
        name: `ack @${n} p50 (ms)`,
        key: `ack_${n}_p50`,
        uws: a.ack.p50,
        node: b.ack.p50,
        better: 'lower',
        whyBehind: ackWhy(a.answered),
      },
      {
        name: `ack @${n} p99 (ms)`,
        key: `ack_${n}_p99`,
        uws: a.ack.p99,
        node: b.ack.p99,
        better: 'lower',
        target: last ? `p99 < ${TARGETS.ackP99Ms}` : undefined,
        whyBehind: ackWhy(a.answered),
      },
    );
  }
  out.push(
    {
      name: `max changes/s @${uws.stepWatchers}`,
      key: 'max_changes_per_s',
      uws: uws.maxChangesPerSecond,
      node: node.maxChangesPerSecond,
      better: 'higher',
      whyBehind: holdLimited(uws)
        ? `uws: ${limitOf(uws)}; node: ${limitOf(node)}. The hold path (PostgreSQL commits ` +
          'and the engine on two cores shared with the clients) gave out before the fan-out, at ' +
          'a rate that varies from run to run; the relay sends one batch per run per 50 ms tick ' +
          'per node whatever the rate, so the transport carries a few dozen batches a second'
        : `uws: ${limitOf(uws)}; node: ${limitOf(node)}. ${SPREAD_WHY}`,
    },
    {
      name: 'RSS per idle socket (KiB)',
      key: 'rss_kb_per_socket',
      uws: uws.memory.perSocketKb,
      node: node.memory.perSocketKb,
      better: 'lower',
      whyBehind:
        "most of a socket's memory is socket.io's own (Socket, Client, engine.io Socket, " +
        'handshake copy) on both; RSS also moves with when V8 last collected, so small ' +
        'differences are not the transport',
    },
  );
  return out;
}

export function printReport(uws: SideResult, node: SideResult, watcherNice: number) {
  for (const side of [uws, node]) printSteps(side);
  const figs = figures(uws, node);
  // Explanations go under the table, numbered: a wide last column would wrap every row.
  const notes: string[] = [];
  const mark = (f: Figure) => {
    const why = whyText(f);
    if (!why) return '';
    const at = notes.indexOf(why);
    if (at >= 0) return `[${at + 1}]`;
    notes.push(why);
    return `[${notes.length}]`;
  };
  console.log(`\n== uWS (${uws.transport}) vs node (${node.transport}) ==`);
  console.log(
    table([
      ['figure', 'uws', 'node', 'uws/node', 'target', 'note'],
      ...figs.map((f) => [
        f.name,
        f.key.startsWith('rss') ? fmt(f.uws) : ms(f.uws),
        f.key.startsWith('rss') ? fmt(f.node) : ms(f.node),
        fmt(f.uws / f.node, 2),
        f.target ?? '',
        mark(f),
      ]),
    ]),
  );
  for (const [i, note] of notes.entries()) console.log(`[${i + 1}] ${note}`);
  console.log(
    `\nuws/node below 1 is better for uWS on latency and memory, above 1 on changes/s.` +
      `\nlatency is from the outbox row's commit time (clock_timestamp at insert) to receipt, ` +
      `so it includes the relay's poll interval (every ~50 ms on each node).` +
      `\nthe watcher processes (the simulated browsers) ran at nice ${watcherNice}` +
      (watcherNice > 0
        ? `, so they use the CPU the nodes, PostgreSQL and Redis leave: on 2 shared cores, at level ` +
          `priority they compete with the system under test and its acks wait for a core ` +
          `(BENCH_WATCHER_NICE=0 measures that; same-day runs: uWS ack p99 @5000 ~92 ms at nice 0, ` +
          `~44 ms at nice 10, fan-out unchanged).`
        : ` (level with the system under test; the default is 10).`),
  );
  console.log(`\ntargets (2 cores, printed, not asserted):`);
  for (const side of [uws, node]) {
    const fan = side.fanout.get(TARGETS.fanoutAtWatchers);
    const maxN = Math.max(...side.acks.keys());
    const ack = side.acks.get(maxN);
    console.log(
      `  ${side.label.padEnd(4)} fan-out p99 @${TARGETS.fanoutAtWatchers} < ${TARGETS.fanoutP99Ms} ms: ` +
        (fan
          ? `${ms(fan.last.p99)} ms ${fan.last.p99 < TARGETS.fanoutP99Ms ? 'met' : 'NOT met'}`
          : 'not measured') +
        `;  ack p99 @${maxN} < ${TARGETS.ackP99Ms} ms: ` +
        (ack
          ? `${ms(ack.ack.p99)} ms ${ack.ack.p99 < TARGETS.ackP99Ms ? 'met' : 'NOT met'}`
          : 'n/a'),
    );
  }
  console.log(
    `BENCH ${JSON.stringify({ ...benchJson(uws, node, figs), watcher_nice: watcherNice })}`,
  );
}

function printSteps(side: SideResult) {
  console.log(
    `\n${side.label}: hold rate steps with ${side.stepWatchers} watchers (pass: holds at >= 90% ` +
      `of the rate, and fan-out bounded: every batch reaches every watcher, p99 < 1 s, not ` +
      `climbing; cpu in % of one core, 200% = the machine)`,
  );
  console.log(
    table([
      [
        'rate/s',
        'done/s',
        'batches',
        'p50',
        'p99',
        'spread p99',
        'ack p99',
        'cpu nodes',
        'clients',
        'machine',
        'fan-out',
        'note',
      ],
      ...side.steps.map((s) => [
        String(s.rate),
        fmt(s.achievedPerSecond, 0),
        String(s.batches),
        ms(s.last.p50),
        ms(s.last.p99),
        ms(s.spread.p99),
        ms(s.ack.p99),
        `${fmt(s.nodesCpuPercent, 0)}%`,
        `${fmt(s.clientsCpuPercent, 0)}%`,
        `${fmt(s.machineCpuPercent, 0)}%`,
        s.bounded ? 'bounded' : 'UNBOUNDED',
        s.why,
      ]),
    ]),
  );
  console.log(`  sustained: ${Math.round(side.maxChangesPerSecond)} changes/s; ${limitOf(side)}`);
}

const pct = (p: Percentiles) => ({ p50: round(p.p50, 1), p99: round(p.p99, 1) });

function sideJson(side: SideResult) {
  const maxN = Math.max(...side.acks.keys());
  return {
    transport: side.transport,
    ...Object.fromEntries([...side.fanout].map(([n, r]) => [`fanout_${n}`, pct(r.last)])),
    ack: pct(side.acks.get(maxN)!.ack),
    ack_watchers: maxN,
    max_changes_per_s: Math.round(side.maxChangesPerSecond),
    max_changes_limit: limitOf(side),
    rss_kb_per_socket: round(side.memory.perSocketKb, 2),
  };
}

function benchJson(uws: SideResult, node: SideResult, figs: Figure[]) {
  const ratios = Object.fromEntries(
    figs
      .filter((f) => !f.key.startsWith('first_') && !f.key.startsWith('spread_'))
      .map((f) => [f.key, round(f.uws / f.node, 3)]),
  );
  const fan = (s: SideResult) => s.fanout.get(TARGETS.fanoutAtWatchers)?.last.p99;
  const ack = (s: SideResult) => s.acks.get(Math.max(...s.acks.keys()))?.ack.p99;
  const met = (x: number | undefined, limit: number) => (x === undefined ? null : x < limit);
  return {
    uws: sideJson(uws),
    node: sideJson(node),
    ratios,
    targets: {
      uws: {
        fanout_p99: met(fan(uws), TARGETS.fanoutP99Ms),
        ack_p99: met(ack(uws), TARGETS.ackP99Ms),
      },
      node: {
        fanout_p99: met(fan(node), TARGETS.fanoutP99Ms),
        ack_p99: met(ack(node), TARGETS.ackP99Ms),
      },
    },
  };
}
