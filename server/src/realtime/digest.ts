import { RUN_ROOM_PATTERN, rooms } from '@berth/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from '../common/sql.ts';
import type { BerthServer } from './types.ts';

/**
 * Sends each run watched on this node a digest of its seat versions. A client whose own versions
 * add up differently has missed a batch (uWS drops messages to slow receivers) and re-snapshots.
 * Local rooms only: every node digests its own watchers.
 */
export async function sendDigests(orm: MikroORM, io: BerthServer): Promise<number> {
  const runIds: number[] = [];
  for (const room of io.of('/').adapter.rooms.keys()) {
    const match = RUN_ROOM_PATTERN.exec(room);
    if (match) runIds.push(Number(match[1]));
  }
  if (runIds.length === 0) return 0;
  const digests = await query<{ run_id: number; seat_count: string; version_sum: string }>(
    orm.em.fork(),
    `select run_id, count(*) as seat_count, sum(version) as version_sum
       from seats where run_id = any(?::int[]) group by run_id`,
    [runIds],
  );
  const at = new Date().toISOString();
  for (const d of digests) {
    io.local.to(rooms.run(d.run_id)).emit('seats:digest', {
      runId: d.run_id,
      seatCount: Number(d.seat_count),
      versionSum: Number(d.version_sum),
      at,
    });
  }
  return digests.length;
}
