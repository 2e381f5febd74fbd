import { query } from '../../common/sql.ts';
import type { EngineContext } from '../../engine-context.ts';
import { raise } from '../events/domain-events.ts';
import { GatewayTimeout } from './gateway.ts';
import { refunds } from './payments.repository.ts';

/**
 * The refund's second and third phases: ask the gateway (no transaction open), then record its
 * answer. Safe to repeat: the gateway key and the pending check make it happen once.
 */
export async function completeRefund(ctx: EngineContext, refundId: number): Promise<void> {
  const [refund] = await query<{ amount_paise: number; status: string }>(
    ctx.em(),
    `select amount_paise, status from refunds where id = ?`,
    [refundId],
  );
  if (!refund || refund.status !== 'pending') return;
  let result;
  try {
    result = await ctx.gateway.refund(`refund-${refundId}`, refund.amount_paise);
  } catch (err) {
    if (err instanceof GatewayTimeout) return; // the reconciler finishes it
    throw err;
  }
  await ctx.tx(async (em) => {
    const row = await refunds.lock(em, refundId);
    if (!row || row.status !== 'pending') return;
    await query(
      em,
      `update refunds set status = 'succeeded', gateway_ref = ?, updated_at = now() where id = ?`,
      [result.reference, refundId],
    );
    raise(em, {
      type: 'refund.succeeded',
      booking: { id: Number(row.booking_id), pnr: row.pnr, userId: Number(row.user_id) },
    });
  });
}
