/**
 * When a boarding's chart is prepared, in one place for the chart job, the request (no waitlist
 * place after it) and search (`waitlistOpen`).
 */

/** When the chart is prepared for a boarding at `boardsAt`: CHART_MINUTES_BEFORE before it. */
export function chartTime(boardsAt: Date | number, config: { CHART_MINUTES_BEFORE: number }): Date {
  return new Date(new Date(boardsAt).getTime() - config.CHART_MINUTES_BEFORE * 60_000);
}

/**
 * SQL: the booking `b` boards within CHART_MINUTES_BEFORE (the `?`), so its chart is prepared:
 * a waitlisted booking is then off the train, and no waitlist place is sold for it.
 */
export const CHARTED = `lower(b.journey) <= now() + make_interval(mins => ?)`;
