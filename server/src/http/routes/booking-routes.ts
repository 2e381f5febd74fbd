import { pnrSchema } from '@berth/shared';
import type { Route } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function bookingRoutes({ engine }: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/bookings',
      auth: 'user',
      handler: (req) => engine.myBookings(req.actor!),
    },
    {
      method: 'GET',
      path: '/api/bookings/:pnr',
      auth: 'user',
      input: { params: { pnr: pnrSchema } },
      handler: (req) => engine.bookingByPnr(req.actor!, req.params.pnr),
    },
    /** Public: a PNR's journey and status, no personal data. */
    {
      method: 'GET',
      path: '/api/pnr/:pnr',
      input: { params: { pnr: pnrSchema } },
      handler: (req) => engine.pnrStatus(req.params.pnr),
    },
  ];
}
