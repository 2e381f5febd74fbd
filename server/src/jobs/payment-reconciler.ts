import type { EngineContext } from '../engine-context.ts';
import { query } from '../common/sql.ts';
import { systemActor } from '../modules/audit/transition-writer.ts';
import { settlePayment } from '../modules/payments/payment-outcome.ts';
import { completeRefund } from '../modules/payments/refund-completion.ts';

export interface ReconcileReport {
  payments: number;
  refunds: number;
}

/**
 * Finishes what a crash or a gateway timeout left pending (invariant 6). For a payment older than
 * the gateway's timeout it asks the gateway what became of the key; a key the gateway never saw
 * is voided first, so a charge still on its way cannot land afterwards. No transaction is open
 * while the gateway is asked; settling re-checks under the locks, so two reconcilers (or a late
 * pay request) settle a payment once.
 */
export async function reconcilePending(
  ctx: EngineContext,
  opts: { olderThanMs?: number } = {},
): Promise<ReconcileReport> {
  const { timeoutMs } = await ctx.gateway.settings();
  const olderThanMs = opts.olderThanMs ?? timeoutMs + 1000;
  const payments = await query<{ id: string }>(
    ctx.em(),
    `select id from payments where status = 'pending' and created_at < now() - make_interval(secs => ?)
      order by id limit 100`,
    [olderThanMs / 1000],
  );
  let settledPayments = 0;
  for (const { id } of payments) {
    const paymentId = Number(id);
    const key = `charge-${paymentId}`;
    const result = (await ctx.gateway.lookup(key)) ?? (await ctx.gateway.voidKey(key));
    const settled = await ctx.tx((em) => settlePayment(em, systemActor, paymentId, result));
    if (settled.kind !== 'already_settled') settledPayments++;
    if (settled.kind === 'refunding') await completeRefund(ctx, settled.refundId);
  }

  const refunds = await query<{ id: string }>(
    ctx.em(),
    `select id from refunds where status = 'pending' and created_at < now() - make_interval(secs => ?)
      order by id limit 100`,
    [olderThanMs / 1000],
  );
  for (const { id } of refunds) await completeRefund(ctx, Number(id));
  return { payments: settledPayments, refunds: refunds.length };
}
