import { Migration } from '@mikro-orm/migrations';

/** What the real-time node adds: remembering which holds were warned of their expiry. */
export class Migration20261123020000_realtime extends Migration {
  override up(): void {
    this.addSql(`alter table bookings add column expiry_warned_at timestamptz;`);
    // The warning job looks only at live holds not yet warned, soonest first.
    this.addSql(`
      create index bookings_unwarned_hold_idx on bookings (expires_at)
        where status = 'held' and expiry_warned_at is null;`);
  }
}
