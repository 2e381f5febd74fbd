import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, UserActor } from '../src/engine.ts';
import { createTestDb, type TestDb } from './support/harness.ts';
import {
  createTestRun,
  createUser,
  holdInput,
  outcomes,
  type TestRun,
} from './support/fixtures.ts';

describe("a user's own journeys may not overlap in time", () => {
  let db: TestDb;
  let engine: Engine;
  let runs: TestRun[];
  let user: UserActor;

  beforeAll(async () => {
    db = await createTestDb();
    engine = await db.engine();
    const base = Date.now() + 48 * 3_600_000;
    // Twenty trains leaving a few minutes apart: every pair of journeys overlaps in time.
    runs = [];
    for (let i = 0; i < 20; i++) {
      runs.push(
        await createTestRun(db.pool, {
          stops: 3,
          seatsPerClass: 2,
          departsAt: new Date(base + i * 5 * 60_000),
        }),
      );
    }
    user = await createUser(db.pool);
  });
  afterAll(() => db.close());

  it('20 concurrent holds by one user on time-overlapping runs: exactly one succeeds', async () => {
    const codes = await outcomes(
      runs.map((run) => engine.hold(user, holdInput(run, [run.seats.SL![0]!]))),
    );
    expect(
      codes.filter((c) => c === 'OK'),
      codes.join(','),
    ).toHaveLength(1);
    expect(
      codes.filter((c) => c === 'JOURNEY_OVERLAP'),
      codes.join(','),
    ).toHaveLength(19);
    await db.assertIntegrity();
  });

  it('a journey that ends before the next begins is allowed', async () => {
    const later = await createTestRun(db.pool, {
      stops: 3,
      seatsPerClass: 2,
      departsAt: new Date(Date.now() + 96 * 3_600_000),
    });
    const view = await engine.hold(user, holdInput(later, [later.seats.SL![0]!]));
    expect(view.status).toBe('held');
  });
});
