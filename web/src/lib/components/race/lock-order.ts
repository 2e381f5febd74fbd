import type { RaceEntry } from '@berth/shared';

/**
 * Microseconds since the epoch of one of the server's lock times (`2026-12-01T20:33:01.123456Z`,
 * PostgreSQL's clock): `Date` keeps milliseconds only, and two racers often lock within one.
 */
export function microsOf(iso: string): number {
  const [whole, fraction = ''] = iso.replace(/Z$/, '').split('.');
  return Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** The order the seat's lock let racers through; those that never reached it last, by name. */
export function byLockOrder(a: RaceEntry, b: RaceEntry): number {
  if (a.lockedAt && b.lockedAt) return microsOf(a.lockedAt) - microsOf(b.lockedAt);
  if (a.lockedAt) return -1;
  if (b.lockedAt) return 1;
  return a.contender.localeCompare(b.contender);
}
