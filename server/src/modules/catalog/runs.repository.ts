import { query, type Em } from '../../common/sql.ts';

/**
 * Whether a run takes bookings, as the database has it: a hold asks inside its transaction, so a
 * run closed by an operator is refused at once even by a node whose route cache says otherwise.
 */
export const RUN_TAKES_BOOKINGS = `select 1 as open from runs where id = ? and status = 'scheduled'`;

export async function takesBookings(em: Em, runId: number): Promise<boolean> {
  const rows = await query<{ open: number }>(em, RUN_TAKES_BOOKINGS, [runId]);
  return rows.length > 0;
}
