import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ackSchema, seatMapSchema, routeUrl } from '@berth/shared';
import type pg from 'pg';
import { only, type Truth } from './outcome.ts';
import type { JournalRecord } from './plan.ts';

export interface ConfirmationReport {
  confirmed: number;
  stillConfirmed: number;
  cancelledWithRefund: number;
  lost: string[];
}

/**
 * Every `booking:pay` a user saw acknowledged as confirmed must be in the database as confirmed,
 * or, where the user cancelled it, as cancelled with its refund.
 */
export async function checkConfirmations(
  pool: pg.Pool,
  records: JournalRecord[],
): Promise<ConfirmationReport> {
  const confirmed = [...new Set(only(records, 'confirmed').map((c) => c.bookingId))];
  const cancelled = new Set(
    only(records, 'end')
      .filter((e) => e.how === 'cancelled')
      .map((e) => e.bookingId),
  );
  const rows = await pool.query<{ id: string; status: string; refunded: boolean }>(
    `select b.id, b.status, exists (select 1 from refunds r where r.booking_id = b.id) as refunded
       from bookings b where b.id = any($1::bigint[])`,
    [confirmed],
  );
  const byId = new Map(rows.rows.map((r) => [Number(r.id), r]));
  const out: ConfirmationReport = {
    confirmed: confirmed.length,
    stillConfirmed: 0,
    cancelledWithRefund: 0,
    lost: [],
  };
  for (const id of confirmed) {
    const row = byId.get(id);
    if (row?.status === 'confirmed') out.stillConfirmed += 1;
    else if (row?.status === 'cancelled' && cancelled.has(id) && row.refunded)
      out.cancelledWithRefund += 1;
    else
      out.lost.push(
        `booking ${id}: acknowledged confirmed, now ${row ? `${row.status}${row.refunded ? ' (refunded)' : ''}` : 'missing'}`,
      );
  }
  return out;
}

/** Fresh anonymous snapshots (HTTP) of every run and segment some user watched. */
export async function freshSnapshots(baseUrl: string, records: JournalRecord[]): Promise<Truth> {
  const wanted = new Map<string, { runId: number; from: string; to: string }>();
  for (const m of only(records, 'map')) wanted.set(`${m.runId}:${m.from}:${m.to}`, m);
  const maps = new Map<string, Map<number, { state: string; version: number }>>();
  const schema = ackSchema(seatMapSchema);
  for (const [key, w] of wanted) {
    const res = await fetch(
      `${baseUrl}${routeUrl('seatMap', { params: { runId: w.runId }, query: { from: w.from, to: w.to } })}`,
    );
    const body = schema.parse(await res.json());
    if (!body.ok) throw new Error(`seat map of ${key}: ${body.error.code} ${body.error.message}`);
    maps.set(
      key,
      new Map(body.data.seats.map((s) => [s.seatId, { state: s.state, version: s.version }])),
    );
  }
  return { get: (runId, from, to) => maps.get(`${runId}:${from}:${to}`) };
}

export interface VerifyResult {
  ok: boolean;
  exitCode: number | null;
  output: string;
}

const serverDir = path.dirname(
  createRequire(import.meta.url).resolve('@berth/server/package.json'),
);

/**
 * The integrity checker, as `pnpm verify` runs it (server/src/integrity/verify-cli.ts), against
 * the load test's database: exit 0 clean, 1 on any violation, 2 when it could not check.
 */
export function runVerify(databaseUrl: string): Promise<VerifyResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/integrity/verify-cli.ts'], {
      cwd: serverDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) =>
      resolve({ ok: code === 0, exitCode: code, output: output.trim() }),
    );
  });
}
