import { DomainError } from '../../common/errors.ts';
import type { RouteStop, RunRoute } from './route-cache.ts';

export interface Segment {
  from: RouteStop;
  to: RouteStop;
}

/** The stretch of a run's route between two station codes, in travel order. */
export function resolveSegment(route: RunRoute, fromCode: string, toCode: string): Segment {
  const from = route.stops.find((s) => s.code === fromCode);
  const to = route.stops.find((s) => s.code === toCode);
  if (!from || !to) {
    throw new DomainError(
      'VALIDATION',
      `Train ${route.trainNumber} does not stop at ${!from ? fromCode : toCode}.`,
    );
  }
  if (from.seq >= to.seq) {
    throw new DomainError(
      'VALIDATION',
      `Train ${route.trainNumber} reaches ${toCode} before ${fromCode}.`,
    );
  }
  return { from, to };
}
