import type { RouteHandlers } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function bookingHandlers({
  engine,
}: ApiDeps): Pick<RouteHandlers, 'myBookings' | 'booking' | 'pnrStatus'> {
  return {
    myBookings: (req) => engine.myBookings(req.actor!),
    booking: (req) => engine.bookingByPnr(req.actor!, req.params.pnr),
    /** Public: a PNR's journey and status, no personal data. */
    pnrStatus: (req) => engine.pnrStatus(req.params.pnr),
  };
}
