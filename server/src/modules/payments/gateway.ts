import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import type { GatewaySettingsView } from '@berth/shared';

export type GatewayStatus = 'succeeded' | 'declined' | 'voided';

export interface GatewayResult {
  key: string;
  status: GatewayStatus;
  reference: string;
}

/** The gateway did not answer within its timeout: the charge may still land later. */
export class GatewayTimeout extends Error {
  constructor(readonly key: string) {
    super(`gateway timed out on ${key}`);
    this.name = 'GatewayTimeout';
  }
}

/**
 * Berth's own simulated card gateway. It stands for a third party: it keeps a durable ledger of
 * charges and refunds keyed by idempotency key (a retry returns the first result), takes its time,
 * declines a configurable share of charges, and may answer after the caller gave up. It writes
 * with autocommit statements, never inside a caller's transaction.
 */
export class SimulatedGateway {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly em: () => Em) {}

  /** Creates the settings row from configuration the first time; afterwards an admin owns it. */
  async ensureSettings(initial: GatewaySettingsView): Promise<void> {
    await query(
      this.em(),
      `insert into gateway_settings (id, failure_rate, latency_ms, timeout_ms) values (1, ?, ?, ?)
       on conflict (id) do nothing`,
      [initial.failureRate, initial.latencyMs, initial.timeoutMs],
    );
  }

  async settings(): Promise<GatewaySettingsView> {
    const [row] = await query<{ failure_rate: number; latency_ms: number; timeout_ms: number }>(
      this.em(),
      `select failure_rate, latency_ms, timeout_ms from gateway_settings where id = 1`,
    );
    if (!row) return { failureRate: 0, latencyMs: 0, timeoutMs: 5000 };
    return { failureRate: row.failure_rate, latencyMs: row.latency_ms, timeoutMs: row.timeout_ms };
  }

  async updateSettings(patch: Partial<GatewaySettingsView>): Promise<GatewaySettingsView> {
    const current = await this.settings();
    const next = { ...current, ...patch };
    await query(
      this.em(),
      `insert into gateway_settings (id, failure_rate, latency_ms, timeout_ms, updated_at) values (1, ?, ?, ?, now())
       on conflict (id) do update set failure_rate = excluded.failure_rate, latency_ms = excluded.latency_ms,
         timeout_ms = excluded.timeout_ms, updated_at = now()`,
      [next.failureRate, next.latencyMs, next.timeoutMs],
    );
    return next;
  }

  /** Charges once per key; throws GatewayTimeout if the answer takes longer than the timeout. */
  async charge(key: string, amountPaise: number): Promise<GatewayResult> {
    const s = await this.settings();
    const declined = Math.random() < s.failureRate;
    return this.withTimeout(key, s, () =>
      this.settle(key, 'charge', amountPaise, declined ? 'declined' : 'succeeded'),
    );
  }

  /** Refunds once per key. Refunds of a captured charge are not declined. */
  async refund(key: string, amountPaise: number): Promise<GatewayResult> {
    const s = await this.settings();
    return this.withTimeout(key, s, () => this.settle(key, 'refund', amountPaise, 'succeeded'));
  }

  /** What the gateway knows of a key, without changing anything. */
  async lookup(key: string): Promise<GatewayResult | undefined> {
    const [row] = await query<{ status: GatewayStatus; reference: string }>(
      this.em(),
      `select status, reference from gateway_charges where idempotency_key = ?`,
      [key],
    );
    return row && { key, status: row.status, reference: row.reference };
  }

  /**
   * Closes a key the gateway never charged, so a charge still on its way is refused. If the
   * charge landed first, returns that charge instead.
   */
  async voidKey(key: string): Promise<GatewayResult> {
    return this.settle(key, 'charge', 0, 'voided');
  }

  /** Waits for charges still in flight (after their callers timed out); for a clean shutdown. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async settle(
    key: string,
    kind: 'charge' | 'refund',
    amountPaise: number,
    status: GatewayStatus,
  ): Promise<GatewayResult> {
    const [row] = await query<{ status: GatewayStatus; reference: string }>(
      this.em(),
      `with ins as (
         insert into gateway_charges (idempotency_key, kind, amount_paise, status, reference)
         values (?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing returning status, reference
       )
       select status, reference from ins
       union all
       select status, reference from gateway_charges where idempotency_key = ? and not exists (select 1 from ins)`,
      [key, kind, amountPaise, status, `gw_${randomUUID()}`, key],
    );
    // Empty only when a concurrent writer of the same key committed after this statement began.
    const result = row ? { key, ...row } : await this.lookup(key);
    if (!result) throw new Error(`gateway lost key ${key}`);
    return result;
  }

  private async withTimeout(
    key: string,
    s: GatewaySettingsView,
    work: () => Promise<GatewayResult>,
  ): Promise<GatewayResult> {
    const call = (async () => {
      await sleep(s.latencyMs);
      return work();
    })();
    this.inFlight.add(call);
    void call.catch(() => undefined).finally(() => this.inFlight.delete(call));
    const ac = new AbortController();
    const timeout = sleep(s.timeoutMs, undefined, { signal: ac.signal }).then(() => {
      throw new GatewayTimeout(key);
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      ac.abort();
      timeout.catch(() => undefined);
    }
  }
}
