import { Migration } from '@mikro-orm/migrations';

/**
 * Chart preparation refunds waitlisted bookings: a refund's reason becomes one of a known few,
 * checked by the database like every other status column.
 */
export class Migration20261203000000_chart extends Migration {
  override up(): void {
    this.addSql(`
      alter table refunds add constraint refunds_reason_check
        check (reason in ('cancellation', 'late_charge', 'charting'));`);
  }

  override down(): void {
    this.addSql(`alter table refunds drop constraint refunds_reason_check;`);
  }
}
