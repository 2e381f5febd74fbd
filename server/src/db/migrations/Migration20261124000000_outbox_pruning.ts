import { Migration } from '@mikro-orm/migrations';

/**
 * Published outbox rows are pruned after a retention period (the audit log is the permanent
 * record). One row remembers up to which transaction the outbox was pruned, so the integrity
 * checker knows which audit rows can no longer have their outbox row and checks every other.
 */
export class Migration20261124000000_outbox_pruning extends Migration {
  override up(): void {
    this.addSql(`
      create table outbox_pruned (
        id smallint primary key default 1 check (id = 1),
        before_xid xid8 not null,
        pruned_at timestamptz not null default now()
      );`);
  }
}
