/**
 * PostgreSQL's own ceiling for the hold: `pgbench -M prepared` running exactly the statements the
 * engine sends (the hold function, the key's answer, the events' flush), one fresh seat and user
 * per transaction, on the bench's database. No Node, no driver: what is left is the database.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rooms, type SeatDelta } from '@berth/shared';
import { defaultDataDir } from '../src/common/paths.ts';
import { requestHash } from '../src/modules/idempotency/idempotency.ts';
import pg from 'pg';
import type { Logger } from '../src/common/logger.ts';
import {
  analyzeHoldTables,
  createMigratedDatabase,
  resetBookings,
  seedFixture,
  type BenchFixture,
  type Cleanup,
} from './bench-db.ts';
import { median } from './stats.ts';
import { numbered } from '../src/common/sql.ts';
import { CALL_HOLD } from '../src/modules/booking/hold-function.ts';
import {
  BUMP_SEATS,
  CLAIM_KEY,
  COMPLETE_KEY,
  INSERT_BOOKING,
  INSERT_BOOKING_SEAT,
  JOURNEY_OVERLAP,
  LOCK_SEATS,
  LOCK_USER,
  RUN_TAKES_BOOKINGS,
  QUEUE_ON_SEGMENT,
  RECORD_TRANSITIONS,
  SEAT_OVERLAP,
  bookingView,
  heldPush,
  holdRequest,
} from './raw-hold.ts';

/** Where pgbench is unpacked when neither PATH nor PostgreSQL's usual folders have one. */
const UNPACKED = path.join(defaultDataDir, 'pgbench');
export const APT_HINT = 'sudo apt-get install postgresql-client-15 (or postgresql-15)';

function works(bin: string): boolean {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function underPostgresLib(root: string): string[] {
  const lib = path.join(root, 'usr/lib/postgresql');
  if (!existsSync(lib)) return [];
  return readdirSync(lib)
    .sort()
    .reverse()
    .map((version) => path.join(lib, version, 'bin/pgbench'));
}

/**
 * A pgbench that runs: on PATH, under /usr/lib/postgresql/<v>/bin, or unpacked from Debian's
 * package into .data/pgbench (`apt-get download` + `dpkg-deb -x`: installing the package would
 * create and start a cluster on port 5432). Null when none can be had.
 */
export function findPgbench(): string | null {
  const onPath = (process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'pgbench'));
  const candidates = [...onPath, ...underPostgresLib('/'), ...underPostgresLib(UNPACKED)];
  const found = candidates.find((bin) => existsSync(bin) && works(bin));
  if (found) return found;
  try {
    const download = path.join(UNPACKED, 'download');
    mkdirSync(download, { recursive: true });
    execFileSync('apt-get', ['download', 'postgresql-15'], { cwd: download, stdio: 'ignore' });
    for (const deb of readdirSync(download).filter((f) => f.endsWith('.deb'))) {
      execFileSync('dpkg-deb', ['-x', path.join(download, deb), UNPACKED], { stdio: 'ignore' });
    }
  } catch {
    return null;
  }
  return underPostgresLib(UNPACKED).find((bin) => existsSync(bin) && works(bin)) ?? null;
}

/**
 * A SQL literal pgbench leaves alone: in prepared mode it takes every `:word` for a variable, even
 * inside quotes (`"state":"held"`, `booking:updated`), so colons are written as `\\x3a` in an
 * escape string.
 */
const literal = (value: string) =>
  `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/:/g, '\\x3a')}'`;

/** Writes `sql` with its `$n` parameters replaced by pgbench expressions or literals. */
function bind(sql: string, args: readonly string[]): string {
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => `(${args[Number(n) - 1]!})`);
  return text.replace(/\s+/g, ' ').trim();
}

/** The statements of the engine's hold of a fresh seat, in order: what pgbench runs too. */
export const ENGINE_HOLD_STATEMENTS = [
  'BEGIN',
  numbered(CALL_HOLD),
  COMPLETE_KEY,
  RECORD_TRANSITIONS,
  'COMMIT',
];

/** What both scripts bind: the fresh seat's key, journey and payloads, built once. */
function scriptParts(f: BenchFixture) {
  const req = holdRequest(f, f.seatIds[0]!, 'pgbench');
  const view = bookingView(f, 1, 'PGBENCH001', f.seatIds[0]!, new Date(), new Date());
  const delta: SeatDelta = {
    seatId: f.seatIds[0]!,
    version: 1,
    occupancy: [{ from: f.fromSeq, to: f.toSeq, state: 'held' }],
  };
  const [departs, arrives] = f.journey.map((d) => literal(d.toISOString()));
  const key = `('pgb-' || :idx::text)`;
  return {
    hash: literal(requestHash('hold', req)),
    key,
    pnr: `'B' || lpad(:idx::text, 9, '0')`,
    departs: departs!,
    arrives: arrives!,
    completeKey: bind(COMPLETE_KEY, [
      literal(JSON.stringify({ ok: true, data: view })),
      ':uid',
      key,
    ]),
    /** The events' flush (audit row, seat delta, booking push) for the booking id `bookingId`. */
    flush: (bookingId: string) =>
      bind(RECORD_TRANSITIONS, [
        `'user:' || :uid::text`,
        ':uid',
        literal('HOLD'),
        bookingId,
        'null',
        literal(JSON.stringify({ status: 'held' })),
        literal('seats:changed'),
        literal(rooms.run(f.runId)),
        literal(JSON.stringify({ runId: f.runId, seats: [delta] })),
        literal('booking:updated'),
        `'user:' || :uid::text`,
        literal(JSON.stringify(heldPush(1, 'PGBENCH001'))),
      ]),
  };
}

/**
 * One transaction of `statements` (each ends with `;`, or with a `\gset` that ends it). Client
 * k's n-th transaction takes seat and user number k + n * clients of the fixture, so every
 * transaction has a fresh seat and user, as the engine's and the raw windows do.
 */
function script(f: BenchFixture, statements: string[]): string {
  return [
    '\\set idx :client_id + :n * :clients',
    '\\set n :n + 1',
    `\\set seat ${f.seatIds[0]!} + :idx`,
    `\\set uid ${f.userIds[0]!} + :idx`,
    'BEGIN;',
    ...statements.map((s) => (/ \\gset \w+$/.test(s) ? s : `${s};`)),
    'COMMIT;',
    '',
  ].join('\n');
}

/**
 * The engine's hold transaction as a pgbench script: the hold function, the key's answer and the
 * events' flush, as ENGINE_HOLD_STATEMENTS.
 */
export function holdScript(f: BenchFixture, holdSeconds: number): string {
  const x = scriptParts(f);
  const call = bind(numbered(CALL_HOLD), [
    ':uid',
    x.key,
    x.hash,
    String(f.runId),
    String(f.fromSeq),
    String(f.toSeq),
    literal(f.classCode),
    x.departs,
    x.arrives,
    String(holdSeconds),
    String(f.farePaise),
    x.pnr,
    'array[:seat]',
    literal('{"Passenger 1"}'),
    literal('{30}'),
    literal('{NULL}'),
    literal('{NULL}'),
    'true',
  ]);
  return script(f, [
    `${call} \\gset hold_`,
    x.completeKey,
    x.flush(`(:hold_result::jsonb ->> 'id')::bigint`),
  ]);
}

/**
 * The raw baseline's fourteen statements, one per step, as a pgbench script: the database's
 * ceiling for the hold's steps sent one by one, each prepared.
 */
export function stepwiseScript(f: BenchFixture, holdSeconds: number): string {
  const x = scriptParts(f);
  const insertBooking = bind(INSERT_BOOKING, [
    x.pnr,
    ':uid',
    String(f.runId),
    String(f.fromSeq),
    String(f.toSeq),
    literal(f.classCode),
    x.departs,
    x.arrives,
    String(holdSeconds),
    String(holdSeconds),
    String(f.farePaise),
    x.key,
  ]);
  return script(f, [
    bind(CLAIM_KEY, [':uid', x.key, literal('hold'), x.hash]),
    bind(RUN_TAKES_BOOKINGS, [String(f.runId)]),
    bind(QUEUE_ON_SEGMENT, [
      String(f.runId),
      literal(f.classCode),
      String(f.toSeq),
      String(f.fromSeq),
    ]),
    bind(LOCK_USER, [':uid']),
    bind(JOURNEY_OVERLAP, [':uid', x.departs, x.arrives]),
    bind(LOCK_SEATS, ['array[:seat]::bigint[]']),
    bind(SEAT_OVERLAP, ['array[:seat]', String(f.fromSeq), String(f.toSeq)]),
    `${insertBooking} \\gset booking_`,
    bind(INSERT_BOOKING_SEAT, [
      ':booking_id',
      ':seat',
      String(f.fromSeq),
      String(f.toSeq),
      literal('Passenger 1'),
      '30',
      'null',
    ]),
    bind(BUMP_SEATS, ['array[:seat]::bigint[]']),
    x.completeKey,
    x.flush(':booking_id'),
  ]);
}

/** pgbench needs the fixture's seats and users numbered without gaps. */
function contiguous(ids: readonly number[]): boolean {
  return ids.length > 0 && ids[ids.length - 1]! - ids[0]! === ids.length - 1;
}

/**
 * Transactions per second of `clients` pgbench clients running the hold for `seconds`. Throws
 * when any transaction failed: the script is meant to succeed every time.
 */
export async function runPgbench(
  bin: string,
  url: string,
  script: string,
  f: BenchFixture,
  clients: number,
  seconds: number,
): Promise<number> {
  if (!contiguous(f.seatIds) || !contiguous(f.userIds))
    throw new Error('pgbench: the fixture ids are not contiguous');
  const file = path.join(defaultDataDir, `pgbench-hold-${process.pid}.sql`);
  mkdirSync(defaultDataDir, { recursive: true });
  writeFileSync(file, script);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
    '-D',
    'n=0',
    '-D',
    `clients=${clients}`,
    '-f',
    file,
    url,
  ];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}:\n${text}`)),
    );
  }).finally(() => rmSync(file, { force: true }));
  const failed = /number of failed transactions: (\d+)/.exec(out);
  if (failed && Number(failed[1]) > 0) throw new Error(`pgbench: failed transactions\n${out}`);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  if (!tps) throw new Error(`pgbench: no tps in its output\n${out}`);
  return Number(tps[1]);
}

/**
 * pgbench's median hold rate at `clients` clients over three rounds of `seconds`, in a database of
 * its own beside `url`'s on the same server (created, migrated, seeded and dropped here): the
 * ceiling another bench quotes its own rate against. Null when no pgbench can be had.
 */
export async function pgbenchCeiling(
  url: string,
  log: Logger,
  clients: number,
  seconds: number,
  cleanup: Cleanup,
): Promise<number | null> {
  const bin = findPgbench();
  if (!bin) return null;
  const { url: dbUrl, drop } = await createMigratedDatabase(
    url,
    `berth_pgbench_${process.pid}`,
    cleanup,
  );
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  try {
    // Comfortably more fresh seats than three rounds at the rates seen here could take.
    const f = await seedFixture(pool, Math.max(20_000, seconds * 4_000));
    const script = holdScript(f, 300);
    // A warm-up fills the hold tables, so the statistics taken from them are those of a live
    // database (on empty tables the planner may scan every booking seat per hold).
    await runPgbench(bin, dbUrl, script, f, clients, Math.min(2, seconds));
    await analyzeHoldTables(pool);
    const rates: number[] = [];
    for (let round = 0; round < 3; round++) {
      await resetBookings(pool);
      rates.push(await runPgbench(bin, dbUrl, script, f, clients, seconds));
    }
    log.debug({ rates }, 'pgbench rounds');
    return median(rates);
  } finally {
    await pool.end();
    await drop();
  }
}
