import type pg from 'pg';

/** What one node's /metrics says about commands: received, answered (by event and code). */
export interface CommandCounts {
  received: number;
  answered: number;
  /** hold:create answers by code. */
  holds: Record<string, number>;
}

const LINE = /^(berth_events_total|berth_acks_total)\{([^}]*)\}\s+([0-9.e+]+)$/;

export function parseCommandCounts(text: string): CommandCounts {
  const out: CommandCounts = { received: 0, answered: 0, holds: {} };
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const labels = Object.fromEntries(
      [...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]),
    );
    const value = Number(m[3]);
    if (m[1] === 'berth_events_total') out.received += value;
    else {
      out.answered += value;
      if (labels.event === 'hold:create')
        out.holds[labels.code!] = (out.holds[labels.code!] ?? 0) + value;
    }
  }
  return out;
}

/** Summed over every node; a node that does not answer counts as nothing received. */
export async function clusterCounts(urls: string[]): Promise<CommandCounts> {
  const all = await Promise.all(
    urls.map(async (url) => {
      try {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
        return parseCommandCounts(await res.text());
      } catch {
        return null;
      }
    }),
  );
  const sum: CommandCounts = { received: 0, answered: 0, holds: {} };
  for (const c of all) {
    if (!c) continue;
    sum.received += c.received;
    sum.answered += c.answered;
    for (const [code, n] of Object.entries(c.holds)) sum.holds[code] = (sum.holds[code] ?? 0) + n;
  }
  return sum;
}

export async function unpublishedOutbox(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ n: number }>(
    `select count(*)::int as n from outbox where published_at is null`,
  );
  return r.rows[0]!.n;
}
