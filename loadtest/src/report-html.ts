import fs from 'node:fs';
import path from 'node:path';
import { describeFault, type FaultDone } from './chaos.ts';
import { LATENCY_BUCKETS_MS } from './plan.ts';
import type { ReportData } from './report.ts';

/**
 * report.html beside report.md: charts over time (holds, hold ack p99, fan-out p99, errors by
 * code) with the faults of a chaos run marked, as inline SVG, so it opens in any browser with no
 * network and no library. Each chart is also written as an .svg file of its own.
 */

const WIDTH = 920;
const HEIGHT = 230;
const MARGIN = { left: 56, right: 150, top: 26, bottom: 30 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];

interface Series {
  name: string;
  values: (number | null)[];
}

interface Chart {
  file: string;
  title: string;
  unit: string;
  log: boolean;
  series: Series[];
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The upper bound of the bucket holding the p-th quantile of one second's counts; null if none. */
export function quantileOfBuckets(buckets: number[] | undefined, p: number): number | null {
  const total = (buckets ?? []).reduce((a, b) => a + b, 0);
  if (!buckets || total === 0) return null;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= p * total) return LATENCY_BUCKETS_MS[i] ?? 2 * LATENCY_BUCKETS_MS.at(-1)!;
  }
  return null;
}

function charts(d: ReportData): Chart[] {
  const r = d.rates;
  const p99 = (series: number[][]) => series.map((b) => quantileOfBuckets(b, 0.99));
  const codes = Object.entries(r.errors)
    .map(([code, values]) => ({ code, total: values.reduce((a, b) => a + b, 0), values }))
    .sort((a, b) => b.total - a.total)
    .slice(0, COLOURS.length);
  return [
    {
      file: 'chart-holds.svg',
      title: 'Holds per second',
      unit: 'holds/s',
      log: false,
      series: [
        { name: 'sent', values: r.sent },
        { name: 'answered', values: r.answered },
        { name: 'got seats', values: r.ok },
      ],
    },
    {
      file: 'chart-ack-p99.svg',
      title: 'Hold ack p99 per second (bucket upper bound)',
      unit: 'ms',
      log: true,
      series: [{ name: 'ack p99', values: p99(r.ack) }],
    },
    {
      file: 'chart-fanout-p99.svg',
      title: 'Fan-out p99 per second (commit to watcher, bucket upper bound)',
      unit: 'ms',
      log: true,
      series: [{ name: 'fan-out p99', values: p99(r.fanout) }],
    },
    {
      file: 'chart-errors.svg',
      title: 'Refusals and failures per second, by code',
      unit: 'per s',
      log: false,
      series: codes.map((c) => ({ name: c.code, values: c.values })),
    },
  ];
}

/** One chart as a standalone SVG document. */
export function svgChart(
  chart: Chart,
  seconds: number,
  faults: FaultDone[],
  rush?: [number, number],
) {
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const min = chart.log ? Math.max(1, Math.min(...all, max)) : 0;
  const lo = chart.log ? Math.log10(min) : 0;
  const hi = chart.log ? Math.log10(max) + 0.05 : max * 1.08;
  const x = (s: number) => MARGIN.left + (w * s) / Math.max(1, seconds);
  const y = (v: number) => {
    const t = chart.log ? (Math.log10(Math.max(v, min)) - lo) / Math.max(1e-9, hi - lo) : v / hi;
    return MARGIN.top + h - h * t;
  };
  const ticks = chart.log
    ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000].filter(
        (t) => t >= min && t <= max * 1.1,
      )
    : Array.from({ length: 5 }, (_, i) => Math.round((hi * i) / 4));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold">${esc(chart.title)}</text>`,
  );
  if (rush) {
    parts.push(
      `<rect x="${x(rush[0])}" y="${MARGIN.top}" width="${Math.max(0, x(rush[1]) - x(rush[0]))}" height="${h}" fill="#f3f6fb"/>`,
    );
  }
  for (const t of ticks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    );
  }
  for (let s = 0; s <= seconds; s += seconds > 120 ? 30 : 10) {
    parts.push(`<text x="${x(s)}" y="${HEIGHT - 10}" text-anchor="middle">${s}s</text>`);
  }
  parts.push(
    `<text x="12" y="${MARGIN.top + h / 2}" transform="rotate(-90 12 ${MARGIN.top + h / 2})" text-anchor="middle">${esc(chart.unit)}</text>`,
  );
  faults.forEach((f, i) => {
    const from = f.startedAtMs / 1000;
    const to = (f.startedAtMs + f.downMs) / 1000;
    parts.push(
      `<rect x="${x(from)}" y="${MARGIN.top}" width="${Math.max(1, x(to) - x(from))}" height="${h}" fill="#fde2e2" opacity="0.8"/>`,
      `<line x1="${x(from)}" x2="${x(from)}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="#c00" stroke-dasharray="3,2"/>`,
      `<text x="${x(from) + 2}" y="${MARGIN.top + 10 + (i % 3) * 11}" fill="#c00">${esc(shortFault(f))}</text>`,
    );
  });
  chart.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    let d = '';
    series.values.forEach((v, s) => {
      if (v === null) return;
      d += `${d === '' || series.values[s - 1] === null ? 'M' : 'L'}${x(s + 0.5).toFixed(1)},${y(v).toFixed(1)}`;
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
    const ly = MARGIN.top + 12 + i * 15;
    parts.push(
      `<line x1="${MARGIN.left + w + 12}" x2="${MARGIN.left + w + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${MARGIN.left + w + 34}" y="${ly}">${esc(series.name)}</text>`,
    );
  });
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

function shortFault(f: FaultDone): string {
  if (f.kind === 'kill-node') return `kill node-${(f.node ?? 0) + 1}`;
  return f.kind === 'restart-redis' ? 'Redis restart' : 'PostgreSQL restart';
}

export function writeHtmlReport(dir: string, d: ReportData, failures: string[], md: string) {
  const seconds = Math.max(
    d.rates.sent.length,
    d.rates.answered.length,
    d.rates.fanout.length,
    Math.ceil(d.shape.loadEndMs / 1000),
  );
  const rush: [number, number] | undefined =
    d.shape.rushMs > 0
      ? [d.shape.rushAtMs / 1000, (d.shape.rushAtMs + d.shape.rushMs) / 1000]
      : undefined;
  const svgs = charts(d).map((chart) => {
    const svg = svgChart(chart, seconds, d.faults, rush);
    fs.writeFileSync(path.join(dir, chart.file), svg);
    return svg;
  });
  const faultRows = d.faults
    .map(
      (f) =>
        `<tr><td>t0+${(f.startedAtMs / 1000).toFixed(1)} s</td><td>${esc(describeFault(f))}</td><td>${f.error ? `failed: ${esc(f.error)}` : `${(f.downMs / 1000).toFixed(1)} s`}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Berth load test: ${esc(d.options.scenario)}</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1em;font-size:12px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}
.pass{color:#060}.fail{color:#b00}</style></head><body>
<h1>Berth load test: ${esc(d.options.scenario)}${d.options.chaos ? ' under chaos' : ''}</h1>
<p class="${failures.length === 0 ? 'pass' : 'fail'}"><b>${failures.length === 0 ? 'PASS' : `FAIL: ${esc(failures.join('; '))}`}</b></p>
<p>Seconds since t0 (the first virtual user's start); the rush window is shaded blue${d.faults.length > 0 ? ', each fault red from its start until its component was back' : ''}.</p>
${d.faults.length > 0 ? `<table><tr><th>when</th><th>fault</th><th>back after</th></tr>${faultRows}</table>` : ''}
${svgs.map((svg) => `<figure>${svg}</figure>`).join('\n')}
<h2>The whole report (report.md)</h2>
<pre>${esc(md)}</pre>
</body></html>
`;
  fs.writeFileSync(path.join(dir, 'report.html'), html);
}
