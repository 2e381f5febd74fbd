import type { EngineContext } from '../engine-context.ts';
import { query } from '../common/sql.ts';
import { expireLapsed } from '../modules/booking/lapse.ts';
import { bumpSeats } from '../modules/booking/seat-changes.ts';
import { seats } from '../modules/booking/seats.repository.ts';

/**
 * Expires lapsed holds in batches. Never waits: seats and bookings locked by anyone else are
 * skipped this round, so several sweepers (one per node) run side by side and each lapsed hold
 * is expired exactly once. Returns how many bookings it expired.
 */
export async function sweepExpiredHolds(
  ctx: EngineContext,
  batch = ctx.config.SWEEP_BATCH,
): Promise<number> {
  const candidates = await query<{ id: string }>(
    ctx.em(),
    `select id from bookings where status in ('held', 'paying') and hold_until <= now()
      order by hold_until limit ?`,
    [batch],
  );
  if (candidates.length === 0) return 0;
  const candidateIds = candidates.map((c) => Number(c.id));

  return ctx.tx(async (em) => {
    const rows = await query<{ booking_id: string; seat_id: string }>(
      em,
      `select booking_id, seat_id from booking_seats where booking_id = any(?) and active`,
      [candidateIds],
    );
    const seatIds = [...new Set(rows.map((r) => Number(r.seat_id)))].sort((a, b) => a - b);
    const locked = await seats.lockFree(em, seatIds);
    // Only bookings whose every seat this sweeper holds; the rest wait for the next round.
    const blocked = new Set(
      rows.filter((r) => !locked.has(Number(r.seat_id))).map((r) => Number(r.booking_id)),
    );
    const eligible = candidateIds.filter((id) => !blocked.has(id));
    const { expired, freedSeatIds } = await expireLapsed(em, eligible, { skipLocked: true });
    if (expired.length === 0) return 0;

    // Bumping announces the freed seats, per run.
    await bumpSeats(em, freedSeatIds);
    return expired.length;
  });
}
