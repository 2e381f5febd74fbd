import { setTimeout as sleep } from 'node:timers/promises';
import type { RaceEntry } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { query } from '../../common/sql.ts';
import type { Engine } from '../../engine.ts';
import type { HoldProbe } from '../booking/hold.service.ts';
import { LIVE } from '../booking/seats.repository.ts';
import { DEMO_CONTENDERS, DEMO_TRAIN_NUMBER, demoEmail } from '../../db/seeders/seed-demo.ts';

export interface DemoStage {
  runId: number;
  from: string;
  to: string;
  seatIds: Set<number>;
  /** Demo user ids, contender i is users[i]. */
  users: number[];
}

/** The demo run, its seats and its racers; NOT_FOUND when the demo was not seeded. */
export async function loadDemoStage(engine: Engine): Promise<DemoStage> {
  const em = engine.context.em();
  const [run] = await query<{ id: number }>(
    em,
    `select r.id from runs r join trains t on t.id = r.train_id where t.number = ? and r.demo limit 1`,
    [DEMO_TRAIN_NUMBER],
  );
  if (!run) throw new DomainError('NOT_FOUND', 'The race demo is not enabled here.');
  const route = await engine.context.catalog.route(run.id);
  const seats = await engine.context.catalog.seatsOf(run.id);
  const emails = Array.from({ length: DEMO_CONTENDERS }, (_, i) => demoEmail(i + 1));
  const users = await query<{ id: string; email: string }>(
    em,
    `select id, email from users where email = any(?)`,
    [emails],
  );
  const byEmail = new Map(users.map((u) => [u.email, Number(u.id)]));
  return {
    runId: run.id,
    from: route!.stops[0]!.code,
    to: route!.stops[route!.stops.length - 1]!.code,
    seatIds: new Set(seats.keys()),
    users: emails.map((e) => byEmail.get(e)!).filter((id) => id !== undefined),
  };
}

/**
 * Before a race: its racers (every demo user, by default) let go of every hold they still have on
 * the demo run (the last race's winner included), through the engine, so each race starts from a
 * free seat and nobody trips over their own earlier journey.
 */
export async function clearDemoHolds(
  engine: Engine,
  stage: DemoStage,
  racers: readonly number[] = stage.users,
): Promise<void> {
  const live = await query<{ id: string; user_id: string }>(
    engine.context.em(),
    `select b.id, b.user_id from bookings b
      where b.run_id = ? and b.user_id = any(?::bigint[]) and b.status = 'held' and ${LIVE}`,
    [stage.runId, racers],
  );
  for (const b of live) {
    await engine
      .release({ userId: Number(b.user_id), role: 'user' }, { bookingId: Number(b.id) })
      .catch(() => undefined);
  }
}

/** Runs this node's contenders at `startAt`, all at once, and reports how each one fared. */
export async function runShare(
  engine: Engine,
  stage: DemoStage,
  order: { raceId: string; seatId: number; startAt: number },
  indexes: number[],
  nodeId: string,
): Promise<RaceEntry[]> {
  const wait = order.startAt - Date.now();
  if (wait > 0) await sleep(wait);
  return Promise.all(
    indexes.map(async (i) => {
      const probe: HoldProbe = {};
      const started = performance.now();
      const contender = `Racer ${String(i + 1).padStart(2, '0')}`;
      let outcome: RaceEntry['outcome'] = 'WON';
      try {
        await engine.hold(
          { userId: stage.users[i]!, role: 'user' },
          {
            runId: stage.runId,
            from: stage.from,
            to: stage.to,
            seatIds: [order.seatId],
            passengers: [{ name: contender, age: 30 }],
            idempotencyKey: `race-${order.raceId}-${i}`,
          },
          probe,
        );
      } catch (err) {
        outcome = err instanceof DomainError ? err.code : 'INTERNAL';
      }
      return {
        contender,
        node: nodeId,
        outcome,
        lockWaitMs: Math.round((probe.lockWaitMs ?? 0) * 100) / 100,
        totalMs: Math.round((performance.now() - started) * 100) / 100,
        lockedAt: probe.lockedAt ?? null,
        unlockedAt: probe.unlockedAt ?? null,
      };
    }),
  );
}
