import type { BookingUpdated, BookingView } from '@berth/shared';

/**
 * The bookings this tab was last told about in full (an ack's view, or a read), by PNR. A page
 * that opens a booking the tab just held starts from the hold's answer, and a `booking:updated`
 * that only repeats what the tab knows is not a reason to read the booking again.
 */
const known = new Map<string, { view: BookingView; at: number }>();
/** A view older than this may have missed a change made elsewhere: read it again instead. */
const FRESH_MS = 30_000;

export function rememberBooking(view: BookingView, now = Date.now()): void {
  known.set(view.pnr, { view, at: now });
}

export function knownBooking(pnr: string, now = Date.now()): BookingView | undefined {
  const entry = known.get(pnr);
  return entry && now - entry.at < FRESH_MS ? entry.view : undefined;
}

/** Whether a push says nothing `view` does not already say. */
export function isNews(update: BookingUpdated, view: BookingView | undefined): boolean {
  if (!view) return true;
  if (update.status !== undefined && update.status !== view.status) return true;
  return update.refund !== undefined && update.refund !== view.refund?.status;
}
