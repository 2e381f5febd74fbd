import type { RouteHandlers } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function catalogHandlers({
  engine,
}: ApiDeps): Pick<RouteHandlers, 'stations' | 'departures' | 'search' | 'calendar' | 'seatMap'> {
  return {
    stations: (req) => engine.stations(req.query.prefix ?? ''),
    departures: (req) => engine.departures({ ...req.query, code: req.params.code }),
    search: (req) => engine.search(req.query),
    calendar: () => engine.calendar(),
    seatMap: (req) =>
      engine.seatMap(req.actor?.userId ?? null, { ...req.query, runId: req.params.runId }),
  };
}
