import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config/env.ts';
import type { Logger } from './common/logger.ts';
import type { SqlTx } from './common/sql.ts';
import type { CatalogCache } from './modules/catalog/route-cache.ts';
import type { SimulatedGateway } from './modules/payments/gateway.ts';

/**
 * Switches that only tests may turn on (never read from the environment): each removes one
 * mechanism, so a test can prove the other still holds.
 */
export interface TestHooks {
  /** Hold without `FOR UPDATE` on the seat rows: only the exclusion constraint stands. */
  skipSeatLock?: boolean;
  /** Pay stops right after the gateway charged, as if the process died there. */
  crashAfterCharge?: boolean;
  /** Cancel stops right after the refund's first transaction, before calling the gateway. */
  crashBeforeRefundCall?: boolean;
  /** Called after every committed engine transaction (the kill-after-commit fault). */
  afterCommit?: () => void;
  /** A refused hold, rolled back, before its refusal is stored under its key. */
  beforeRefusalStored?: (seatIds: number[]) => Promise<void>;
  /** The hold function turned a hold away; its transaction is still open (not rolled back). */
  onSeatsTaken?: (seatIds: number[]) => Promise<void>;
  /** Every hold takes the statement-by-statement path (holdTx), not the hold function. */
  stepwiseHolds?: boolean;
}

export interface EngineContext {
  orm: MikroORM;
  config: Config;
  log: Logger;
  catalog: CatalogCache;
  gateway: SimulatedGateway;
  hooks: TestHooks;
  /** A fresh EntityManager for one request or job run (reads outside a transaction). */
  em(): EntityManager;
  /** Runs `work` in one short transaction; see common/sql.ts. */
  tx<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
}

/** Thrown where a test hook simulates a crash. */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash ${where}`);
    this.name = 'SimulatedCrash';
  }
}
