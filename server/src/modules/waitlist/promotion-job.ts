import type { EngineContext } from '../../engine-context.ts';
import { query } from '../../common/sql.ts';
import { promote } from './promotion.ts';
import { tryPromotion } from './promotion-lock.ts';

/**
 * One round of the promotion job: every (run, class) where people wait is tried, each in a short
 * transaction of its own that takes the class's promotion lock only if nobody holds it (whoever
 * does is promoting already, or will). It serves what a freeing change could not promote at
 * once: expiries that did not get the lock when they tried for it, seats another transaction
 * held while a promotion ran, and a queue formed just after a change looked for one.
 * So once the system is quiet, no paid party waits while places that fit it are free.
 */
export async function promoteWaiting(ctx: EngineContext): Promise<number> {
  const classes = await query<{ run_id: number; class_code: string }>(
    ctx.em(),
    `select distinct b.run_id, b.class_code from bookings b join runs r on r.id = b.run_id
      where b.status in ('rac', 'waitlisted') and r.status = 'scheduled'`,
  );
  let moved = 0;
  for (const c of classes) {
    moved += await ctx.tx(async (em) => {
      if (!(await tryPromotion(em, c.run_id, c.class_code))) return 0;
      return promote(em, c.run_id, c.class_code);
    });
  }
  return moved;
}
