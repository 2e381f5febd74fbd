import type { Route } from '../http-types.ts';
import { queryObject, type ApiDeps } from './api-deps.ts';

export function catalogRoutes({ engine }: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/stations',
      handler: (req) => engine.stations(req.query.get('prefix') ?? ''),
    },
    {
      method: 'GET',
      path: '/api/stations/:code/departures',
      handler: (req) => engine.departures({ ...queryObject(req.query), code: req.params.code }),
    },
    { method: 'GET', path: '/api/search', handler: (req) => engine.search(queryObject(req.query)) },
    { method: 'GET', path: '/api/calendar', handler: () => engine.calendar() },
    {
      method: 'GET',
      path: '/api/runs/:runId/seats',
      handler: (req) =>
        engine.seatMap(req.actor?.userId ?? null, {
          ...queryObject(req.query),
          runId: /^\d+$/.test(req.params.runId!) ? Number(req.params.runId) : req.params.runId,
        }),
    },
  ];
}
