import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numbered } from '../src/common/sql.ts';
import type { UserActor } from '../src/engine.ts';
import { CALL_HOLD } from '../src/modules/booking/hold-function.ts';
import { newPnr } from '../src/modules/booking/pnr.ts';
import { BUMP_SEATS } from '../src/modules/booking/seat-changes.ts';
import { SEAT_OVERLAP } from '../src/modules/booking/seats.repository.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUser, key, type TestRun } from './support/fixtures.ts';

/** A node of an EXPLAIN (FORMAT JSON) plan, as auto_explain logs it. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * A connection keeps a generic plan for each prepared statement, and PL/pgSQL for each statement
 * of a function; a plan made while booking_seats was empty (a fresh deploy, this test database)
 * stays in use as the table fills. The hold's lookups of booking seats must then still find them
 * by seat id: a plan that scans the segment's rows and filters by seat afterwards costs one row
 * per live booking on every hold (measured: half of pgbench's rate after seconds). This asks
 * PostgreSQL (auto_explain) for the generic plans it runs, on an empty table, and reads them.
 */
describe('the hold finds booking seats by seat id, in plans made on an empty table', () => {
  let db: TestDb;
  let run: TestRun;
  let user: UserActor;

  beforeAll(async () => {
    db = await createTestDb();
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 2 });
    user = await createUser(db.pool);
  });
  afterAll(() => db.close());

  it('the hold function, the stepwise overlap check and the bump probe the seat index; the queue check its own', async () => {
    const { rows } = await db.pool.query<{ n: string }>(`select count(*) as n from booking_seats`);
    expect(Number(rows[0]!.n)).toBe(0);
    const client = await db.pool.connect();
    const plans: PlanNode[] = [];
    client.on('notice', (notice) => {
      const json = notice.message?.slice(notice.message.indexOf('{'));
      if (json) plans.push((JSON.parse(json) as { Plan: PlanNode }).Plan);
    });
    try {
      await client.query(`load 'auto_explain'`);
      for (const setting of [
        'auto_explain.log_min_duration = 0',
        'auto_explain.log_nested_statements = on',
        'auto_explain.log_format = json',
        'plan_cache_mode = force_generic_plan',
        'client_min_messages = log',
      ])
        await client.query(`set ${setting}`);
      const seat = run.seats.SL![0]!;
      const departs = run.departsAt;
      const arrives = new Date(departs.getTime() + 3_600_000);
      await client.query('begin');
      const hold = await client.query<{ result: { kind: string } }>({
        name: 'hold',
        text: numbered(CALL_HOLD),
        values: [
          user.userId,
          key('plan'),
          'hash',
          run.runId,
          0,
          2,
          'SL',
          departs,
          arrives,
          60,
          100,
          newPnr(),
          [seat],
          ['Passenger 1'],
          [30],
          [null],
          [null],
          true,
        ],
      });
      expect(hold.rows[0]!.result.kind).toBe('held');
      await client.query({ name: 'overlap', text: numbered(SEAT_OVERLAP), values: [[seat], 0, 2] });
      await client.query({ name: 'bump', text: numbered(BUMP_SEATS), values: [[seat]] });
      await client.query('rollback');
    } finally {
      // Not back to the pool: this connection logs its plans.
      client.release(true);
    }
    const nodes = plans.flatMap(nodesOf);
    expect(
      nodes.filter(
        (n) => n['Relation Name'] === 'booking_seats' && /Seq Scan/.test(n['Node Type']),
      ),
    ).toEqual([]);
    const probes = nodes.filter((n) => n['Index Name']?.startsWith('booking_seats'));
    // The function's overlap check and bump, then the same two as statements of their own.
    expect(probes.length).toBe(4);
    for (const probe of probes) expect(probe['Index Cond']).toMatch(/\bseat_id = /);
    // The queue check (WAITLIST_OPEN) reads the partial index of queued bookings, which holds
    // only RAC and waitlisted rows: never a scan of every booking of the run.
    const queue = nodes.filter((n) => n['Index Name'] === 'bookings_queue_idx');
    expect(queue.length).toBe(1);
  });
});
