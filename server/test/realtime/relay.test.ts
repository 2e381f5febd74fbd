import type { SeatsChanged } from '@berth/shared';
import { rooms } from '@berth/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/harness.ts';
import { createTestRun, holdInput, type TestRun } from '../support/fixtures.ts';
import { must, socketTracker, waitFor } from '../support/live.ts';
import { signUp, startNode, TRANSPORT, type TestNode } from '../support/node.ts';

/** Collects every seat delta of `runId` a fresh watcher of the whole route receives. */
async function watchAll(sockets: ReturnType<typeof socketTracker>, run: TestRun) {
  const watcher = await sockets.open();
  const batches: SeatsChanged[] = [];
  watcher.on('seats:changed', (batch) => {
    if (batch.runId === run.runId) batches.push(batch);
  });
  await must(watcher, 'run:watch', {
    runId: run.runId,
    from: run.stops[0],
    to: run.stops[run.stops.length - 1],
  });
  return batches;
}

describe(`the committing node wakes its own relay (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);

  beforeAll(async () => {
    db = await createTestDb();
    // The poll is 10 s apart: a push that arrives sooner was sent because of the commit.
    node = await startNode(db, { config: { OUTBOX_RELAY_INTERVAL_MS: 10_000 } });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('a hold is pushed to its watchers at once, not at the next poll', async () => {
    const batches = await watchAll(sockets, run);
    const holder = await sockets.open((await signUp(node)).accessToken);
    const seat = run.seats.SL![0]!;
    const wakesBefore = await relayWakes(node);
    const started = Date.now();
    await must(holder, 'hold:create', holdInput(run, [seat], 0, 2));
    await waitFor(
      () => batches.some((b) => b.seats.some((s) => s.seatId === seat)),
      3000,
      'the hold pushed before the next poll',
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await relayWakes(node)).toBeGreaterThan(wakesBefore);
  });
});

describe(`the relay has a database connection of its own (${TRANSPORT})`, () => {
  let db: TestDb;
  let node: TestNode;
  let run: TestRun;
  const sockets = socketTracker(() => node.url);

  beforeAll(async () => {
    db = await createTestDb();
    node = await startNode(db, { config: { DB_POOL_MAX: 2, OUTBOX_RELAY_INTERVAL_MS: 20 } });
    run = await createTestRun(db.pool, { stops: 3, seatsPerClass: 4 });
  });
  afterAll(async () => {
    sockets.closeAll();
    await node.close();
    await db.close();
  });

  it('publishes committed rows while every connection of the pool is taken', async () => {
    const batches = await watchAll(sockets, run);
    // Take every connection of the node's pool, as a burst of commands would.
    const knex = node.app.engine.context.orm.em.getKnex().client as {
      acquireConnection(): Promise<object>;
      releaseConnection(conn: object): Promise<void>;
    };
    const taken = [await knex.acquireConnection(), await knex.acquireConnection()];
    try {
      const seat = run.seats.SL![1]!;
      const payload: Omit<SeatsChanged, 'committedAt'> = {
        runId: run.runId,
        seats: [{ seatId: seat, version: 1_000, occupancy: [] }],
      };
      await db.pool.query(`insert into outbox (event, room, payload) values ($1, $2, $3)`, [
        'seats:changed',
        rooms.run(run.runId),
        JSON.stringify(payload),
      ]);
      await waitFor(
        () => batches.some((b) => b.seats.some((s) => s.seatId === seat && s.version === 1_000)),
        5000,
        'the row published with the pool exhausted',
      );
    } finally {
      for (const conn of taken) await knex.releaseConnection(conn);
    }
  });
});

async function relayWakes(node: TestNode): Promise<number> {
  const metric = await node.app.metrics.registry
    .getSingleMetric('berth_outbox_relay_wakes_total')!
    .get();
  return metric.values[0]?.value ?? 0;
}
