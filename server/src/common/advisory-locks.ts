/**
 * Every PostgreSQL advisory lock key Berth takes, in one place, so no two uses can collide.
 * Arbitrary fixed numbers: every process that takes one takes the same.
 */
export const ADVISORY_LOCKS = {
  /** Held while migrating, so several processes starting at once migrate exactly once. */
  migrate: 4_270_314_159,
  /** Held while seeding, so concurrent seeders insert each row once. */
  seed: 4_270_314_160,
} as const;

/**
 * The per (run, class) promotion lock is a two-key advisory lock, `(run id, hashtext(class))`:
 * PostgreSQL keeps two-key locks apart from the one-key locks above, so they cannot collide.
 * See modules/waitlist/promotion-lock.ts.
 */
