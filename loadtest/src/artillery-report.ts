import fs from 'node:fs';
import { z } from 'zod';

const summary = z.object({
  min: z.number(),
  max: z.number(),
  count: z.number(),
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
});
export type Summary = z.infer<typeof summary>;

const reportSchema = z.object({
  aggregate: z.object({
    counters: z.record(z.string(), z.number()),
    summaries: z.record(z.string(), summary.loose()).default({}),
  }),
});

export interface ArtilleryFigures {
  counters: Record<string, number>;
  summaries: Record<string, Summary>;
  /** command -> code -> count, from the `berth.code.<command>.<code>` counters. */
  codes: Map<string, Map<string, number>>;
}

/** The aggregate of Artillery's `--output` JSON, with our counters sorted out by command and code. */
export function readArtilleryReport(file: string): ArtilleryFigures {
  const raw = reportSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const codes = new Map<string, Map<string, number>>();
  for (const [name, n] of Object.entries(raw.aggregate.counters)) {
    const m = /^berth\.code\.([^.]+)\.([A-Z_]+)$/.exec(name);
    if (!m) continue;
    const byCode = codes.get(m[1]!) ?? new Map<string, number>();
    byCode.set(m[2]!, (byCode.get(m[2]!) ?? 0) + n);
    codes.set(m[1]!, byCode);
  }
  return { counters: raw.aggregate.counters, summaries: raw.aggregate.summaries, codes };
}

/** How often `code` was answered, over every command. */
export function codeTotal(f: ArtilleryFigures, code: string): number {
  let n = 0;
  for (const byCode of f.codes.values()) n += byCode.get(code) ?? 0;
  return n;
}
