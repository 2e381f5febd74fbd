import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../common/logger.ts';
import { SqlTx } from '../common/sql.ts';

/**
 * The outbox relay's own database connection, outside the pool the commands use. A burst of
 * holds queues on that pool; a relay queued behind them would push their changes late, exactly
 * when watchers most need them. Opened with the ORM's own connection options (same server, same
 * type parsers), reopened on the next use after it broke.
 */
export class RelayConnection {
  private client: pg.Client | null = null;
  private opening: Promise<pg.Client> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
  ) {}

  private async open(): Promise<pg.Client> {
    const client = new pg.Client(
      this.orm.em.getConnection().getConnectionOptions() as pg.ClientConfig,
    );
    client.on('error', (err) => {
      this.log.warn({ err }, 'outbox relay connection lost; reopening on the next tick');
      if (this.client === client) this.client = null;
    });
    await client.connect();
    return client;
  }

  private async connected(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.opening ??= this.open().finally(() => (this.opening = null));
    this.client = await this.opening;
    return this.client;
  }

  /** One statement outside a transaction. */
  async statements(): Promise<SqlTx> {
    return new SqlTx(await this.connected());
  }

  /** Runs `work` in a transaction on this connection: commits if it returns, rolls back if not. */
  async transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.connected();
    await client.query('begin');
    try {
      const result = await work(new SqlTx(client));
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => this.drop(client));
      throw err;
    }
  }

  private drop(client: pg.Client) {
    if (this.client === client) this.client = null;
    void client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
