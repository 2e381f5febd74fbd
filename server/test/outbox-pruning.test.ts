import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { pruneOutbox } from '../src/jobs/outbox-pruner.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import { createTestRun, createUsers, holdInput, type TestRun } from './support/fixtures.ts';

describe('outbox pruning', () => {
  let db: TestDb;
  let engine: Engine;
  let run: TestRun;
  let users: UserActor[];
  const prune = () => pruneOutbox(engine.context.orm, 1);

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    run = await createTestRun(db.pool, { seatsPerClass: 20 });
    users = await createUsers(db.pool, 12);
    // Twelve transactions, each writing its audit and outbox rows.
    for (let i = 0; i < 12; i++) {
      const held = await engine.hold(users[i]!, holdInput(run, [run.seats.SL![i]!]));
      if (i % 2 === 0) await engine.release(users[i]!, { bookingId: held.id });
    }
  });
  afterAll(() => db.close());

  it('never deletes an unpublished row, nor one published within the retention', async () => {
    expect(await prune()).toBe(0);
    await db.pool.query(`update outbox set published_at = now() - interval '59 minutes'`);
    expect(await prune()).toBe(0);
    const { rows } = await db.pool.query(`select count(*)::int as n from outbox`);
    expect(rows[0].n).toBeGreaterThanOrEqual(12);
  });

  it('deletes whole transactions published before the retention, and the checker still passes', async () => {
    // The older half was published two hours ago; the rest is still waiting for a relay.
    await db.pool.query(`update outbox set published_at = null`);
    await db.pool.query(
      `update outbox set published_at = now() - interval '2 hours'
        where xid < (select percentile_disc(0.5) within group (order by xid::text::numeric)
                       from outbox)::text::xid8`,
    );
    // Published rows are exactly the older transactions, so all of them are due to go.
    const published = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from outbox where published_at is not null`,
    );
    const doomed = published.rows[0]!.n;
    const before = await db.pool.query(`select count(*)::int as n from outbox`);
    expect(doomed).toBeGreaterThan(0);
    expect(doomed).toBeLessThan(before.rows[0].n);

    expect(await prune()).toBe(doomed);
    const left = await db.pool.query<{ published: number; waiting: number }>(
      `select count(*) filter (where published_at is not null)::int as published,
              count(*) filter (where published_at is null)::int as waiting from outbox`,
    );
    expect(left.rows[0]!.published).toBe(0);
    expect(left.rows[0]!.waiting).toBe(before.rows[0].n - doomed);
    // No outbox row lost from a transaction that kept one: each xid is all there or all gone.
    const split = await db.pool.query(
      `select a.xid from audit_log a
        where a.xid >= (select before_xid from outbox_pruned)
          and not exists (select 1 from outbox o where o.xid = a.xid)`,
    );
    expect(split.rows).toEqual([]);
    await db.assertIntegrity();
  });

  it('the mark is what excuses the pruned transactions: without it the checker objects', async () => {
    const mark = await db.pool.query<{ x: string }>(
      `select before_xid::text as x from outbox_pruned`,
    );
    await db.pool.query(`delete from outbox_pruned`);
    await expect(db.assertIntegrity()).rejects.toThrow(/audit-without-outbox/);
    await db.pool.query(`insert into outbox_pruned (id, before_xid) values (1, $1::xid8)`, [
      mark.rows[0]!.x,
    ]);
    await db.assertIntegrity();
  });

  it('the mark never moves back, so two nodes pruning at once are safe', async () => {
    const ahead = await db.pool.query<{ x: string }>(
      `select (pg_current_xact_id()::text::numeric + 1000)::text as x`,
    );
    await db.pool.query(`update outbox_pruned set before_xid = $1::xid8`, [ahead.rows[0]!.x]);
    await Promise.all([prune(), prune()]);
    const mark = await db.pool.query<{ x: string }>(
      `select before_xid::text as x from outbox_pruned`,
    );
    expect(mark.rows[0]!.x).toBe(ahead.rows[0]!.x);
  });

  it('after pruning, a state change without its outbox row is still caught', async () => {
    await db.pool.query(`update outbox_pruned set before_xid = '0'::xid8`);
    await prune();
    await db.pool.query(
      `insert into audit_log (actor, action, after) values ('SYSTEM', 'NOTE', '{}')`,
    );
    await expect(db.assertIntegrity()).rejects.toThrow(/audit-without-outbox/);
  });
});
