import type { EngineContext } from '../../engine-context.ts';
import { query } from '../../common/sql.ts';
import { systemActor } from '../audit/transition-writer.ts';
import { bookings } from '../booking/bookings.repository.ts';
import { cancelPaid } from '../payments/refund.service.ts';
import { completeRefund } from '../payments/refund-completion.ts';
import { CHARTED } from './chart-time.ts';

/** How many charted-out bookings one round handles; the next round takes the rest. */
const CHART_BATCH = 100;

/**
 * One round of chart preparation: every booking still waitlisted when its chart is due (see
 * CHART_MINUTES_BEFORE) is cancelled by the system and refunded in full, in a transaction of its
 * own that takes the class's promotion lock first (as any change to a queued booking does), so
 * the people behind it are told their numbers moved. RAC passengers travel and keep waiting for
 * a berth. Answers how many bookings it charted out.
 */
export async function prepareCharts(ctx: EngineContext): Promise<number> {
  const due = await query<{ id: string }>(
    ctx.em(),
    `select b.id from bookings b where b.status = 'waitlisted' and ${CHARTED}
      order by lower(b.journey), b.id limit ?`,
    [ctx.config.CHART_MINUTES_BEFORE, CHART_BATCH],
  );
  let charted = 0;
  for (const { id } of due) {
    const refundId = await ctx.tx(async (em) => {
      const booking = await bookings.lockWithSeats(em, Number(id));
      // Re-checked under the lock: promoted or cancelled meanwhile, it is no longer ours.
      if (booking?.status !== 'waitlisted') return null;
      return cancelPaid(em, systemActor, booking, { reason: 'charting', percent: 100 });
    });
    if (refundId === null) continue;
    await completeRefund(ctx, refundId);
    charted++;
  }
  return charted;
}
