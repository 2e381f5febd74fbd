import {
  departuresRequestSchema,
  searchRequestSchema,
  seatMapRequestSchema,
  serialId,
  stationCode,
  stationPrefixSchema,
} from '@berth/shared';
import { z } from 'zod';
import type { Route } from '../http-types.ts';
import { queryObject, type ApiDeps } from './api-deps.ts';

export function catalogRoutes({ engine }: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/stations',
      input: { query: z.object({ prefix: stationPrefixSchema.optional() }) },
      handler: (req) => engine.stations(req.query.get('prefix') ?? ''),
    },
    {
      method: 'GET',
      path: '/api/stations/:code/departures',
      input: { params: { code: stationCode }, query: departuresRequestSchema.omit({ code: true }) },
      handler: (req) => engine.departures({ ...queryObject(req.query), code: req.params.code }),
    },
    {
      method: 'GET',
      path: '/api/search',
      input: { query: searchRequestSchema },
      handler: (req) => engine.search(queryObject(req.query)),
    },
    { method: 'GET', path: '/api/calendar', handler: () => engine.calendar() },
    {
      method: 'GET',
      path: '/api/runs/:runId/seats',
      input: { params: { runId: serialId }, query: seatMapRequestSchema.omit({ runId: true }) },
      handler: (req) =>
        engine.seatMap(req.actor?.userId ?? null, {
          ...queryObject(req.query),
          runId: /^\d+$/.test(req.params.runId!) ? Number(req.params.runId) : req.params.runId,
        }),
    },
  ];
}
