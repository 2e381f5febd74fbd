import type { AckError } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import { isOfflineAnswer, type Connection } from '../realtime/connection.svelte.ts';

/**
 * Why a booking command failed, in plain words. "You are offline" goes by itself once the
 * connection is back: it was about then, not now.
 */
export function refusalWords(failure: AckError | null, conn: Connection): string | null {
  if (!failure || (isOfflineAnswer(failure) && !conn.lost)) return null;
  return describeError(failure);
}

/** The booking a JOURNEY_OVERLAP refusal named: the passenger may want to open or cancel it. */
export function overlappingPnr(failure: AckError | null): string | null {
  const pnr = failure?.code === 'JOURNEY_OVERLAP' ? failure.details?.pnr : null;
  return typeof pnr === 'string' ? pnr : null;
}
