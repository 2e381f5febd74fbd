import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_MS } from './plan.ts';
import { quantileOfBuckets, svgChart } from './report-html.ts';

describe('report.html charts', () => {
  it('reads a quantile as the upper bound of the bucket that holds it', () => {
    // 98 answers within 5 ms, 2 between 500 ms and 1 s.
    const buckets = [98, 0, 0, 0, 0, 0, 0, 2];
    expect(quantileOfBuckets(buckets, 0.5)).toBe(5);
    expect(quantileOfBuckets(buckets, 0.99)).toBe(LATENCY_BUCKETS_MS[7]);
    expect(quantileOfBuckets([], 0.99)).toBeNull();
    expect(quantileOfBuckets(undefined, 0.99)).toBeNull();
    // Past the last bound: twice it, so the chart still shows the spike.
    const over = Array.from({ length: LATENCY_BUCKETS_MS.length + 1 }, (_, i) =>
      i === LATENCY_BUCKETS_MS.length ? 1 : 0,
    );
    expect(quantileOfBuckets(over, 0.99)).toBe(2 * LATENCY_BUCKETS_MS.at(-1)!);
  });

  it('draws every series and marks every fault, as one self-contained SVG', () => {
    const svg = svgChart(
      {
        file: 'x.svg',
        title: 'Holds per second',
        unit: 'holds/s',
        log: false,
        series: [
          { name: 'sent', values: [1, 5, 9, null, 4] },
          { name: 'answered', values: [0, 4, 8, 2, 4] },
        ],
      },
      5,
      [
        { atMs: 1000, kind: 'kill-node', node: 1, startedAtMs: 1500, downMs: 900 },
        { atMs: 3000, kind: 'restart-postgres', startedAtMs: 3200, downMs: 400 },
      ],
      [1, 4],
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('kill node-2');
    expect(svg).toContain('PostgreSQL restart');
    // The gap (null) splits the line: a second move.
    expect(svg.match(/<path d="M[^"]*M/)).not.toBeNull();
  });
});
