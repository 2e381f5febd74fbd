import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

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
};
