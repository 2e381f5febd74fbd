import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { USER_JOURNEY } from '../booking/seats.repository.ts';

export const users = {
  /**
   * Locks a user's row for the journey-overlap check, first in the lock order: a user's own holds
   * then run one at a time. NO KEY UPDATE, not UPDATE: a hold's idempotency-key claim has already
   * taken the foreign key's KEY SHARE lock on this row, and upgrading that to FOR UPDATE would
   * deadlock two holds of one user.
   */
  async lockForJourney(em: Em, userId: number): Promise<void> {
    await query(em, `select id from users where id = ? for no key update`, [userId]);
  },

  /**
   * The PNR of the user's journey that overlaps `[departs, arrives)`, if any: a user travels on
   * one train at a time. Run after lockForJourney, so two holds of one user cannot both pass.
   */
  async journeyClash(
    em: Em,
    userId: number,
    [departs, arrives]: readonly [Date, Date],
  ): Promise<string | null> {
    const [clash] = await query<{ pnr: string }>(
      em,
      `select b.pnr from bookings b
        where b.user_id = ? and ${USER_JOURNEY} and b.journey && tstzrange(?, ?) limit 1`,
      [userId, departs, arrives],
    );
    return clash?.pnr ?? null;
  },
};
