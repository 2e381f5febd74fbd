import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

export interface RouteStop {
  seq: number;
  stationId: number;
  code: string;
  name: string;
  arrivalOffsetMin: number | null;
  departureOffsetMin: number | null;
  km: number;
}

export interface RunRoute {
  runId: number;
  trainId: number;
  trainNumber: string;
  trainName: string;
  serviceDate: string;
  departsAt: Date;
  status: string;
  demo: boolean;
  stops: RouteStop[];
}

export interface SeatInfo {
  seatId: number;
  coach: string;
  coachPosition: number;
  number: number;
  berth: string;
  classCode: string;
  /** A RAC berth: sold only as halves, through a request (never held whole). */
  rac: boolean;
}

export interface ClassFare {
  code: string;
  name: string;
  baseFarePaise: number;
  perKmPaise: number;
}

/**
 * Routes, seats and fares change only when the catalog is re-seeded, so the hot paths read them
 * from memory instead of joining them into every locked transaction. Bounded: old runs drop out.
 */
export class CatalogCache {
  private readonly routes = new Map<number, Promise<RunRoute | undefined>>();
  private readonly seats = new Map<number, Promise<Map<number, SeatInfo>>>();
  private classes?: Promise<Map<string, ClassFare>>;

  constructor(
    private readonly em: () => Em,
    private readonly maxRuns = 500,
  ) {}

  async route(runId: number): Promise<RunRoute | undefined> {
    const route = await this.remember(this.routes, runId, () => this.loadRoute(runId));
    // A miss is not remembered: a run seeded later (another node's seeding) must then be found.
    if (!route) this.routes.delete(runId);
    return route;
  }

  seatsOf(runId: number): Promise<Map<number, SeatInfo>> {
    return this.remember(this.seats, runId, () => this.loadSeats(runId));
  }

  classFares(): Promise<Map<string, ClassFare>> {
    this.classes ??= this.loadClasses().catch((err: unknown) => {
      this.classes = undefined;
      throw err;
    });
    return this.classes;
  }

  /** Run status changes (charting, cancellation) must be seen: forget one run. */
  forget(runId: number) {
    this.routes.delete(runId);
    this.seats.delete(runId);
  }

  private remember<V>(map: Map<number, Promise<V>>, key: number, load: () => Promise<V>) {
    let hit = map.get(key);
    if (!hit) {
      if (map.size >= this.maxRuns) map.delete(map.keys().next().value as number);
      hit = load().catch((err: unknown) => {
        map.delete(key);
        throw err;
      });
      map.set(key, hit);
    }
    return hit;
  }

  private async loadRoute(runId: number): Promise<RunRoute | undefined> {
    const rows = await query<{
      train_id: number;
      number: string;
      train_name: string;
      service_date: string;
      departs_at: Date;
      status: string;
      demo: boolean;
      seq: number;
      station_id: number;
      code: string;
      station_name: string;
      arrival_offset_min: number | null;
      departure_offset_min: number | null;
      km: number;
    }>(
      this.em(),
      `select r.train_id, t.number, t.name as train_name, to_char(r.service_date, 'YYYY-MM-DD') as service_date,
              r.departs_at, r.status, r.demo, ts.seq, ts.station_id, st.code, st.name as station_name,
              ts.arrival_offset_min, ts.departure_offset_min, ts.km
         from runs r
         join trains t on t.id = r.train_id
         join train_stops ts on ts.train_id = r.train_id
         join stations st on st.id = ts.station_id
        where r.id = ?
        order by ts.seq`,
      [runId],
    );
    const first = rows[0];
    if (!first) return undefined;
    return {
      runId,
      trainId: first.train_id,
      trainNumber: first.number,
      trainName: first.train_name,
      serviceDate: first.service_date,
      departsAt: new Date(first.departs_at),
      status: first.status,
      demo: first.demo,
      stops: rows.map((r) => ({
        seq: r.seq,
        stationId: r.station_id,
        code: r.code,
        name: r.station_name,
        arrivalOffsetMin: r.arrival_offset_min,
        departureOffsetMin: r.departure_offset_min,
        km: r.km,
      })),
    };
  }

  private async loadSeats(runId: number): Promise<Map<number, SeatInfo>> {
    const rows = await query<{
      id: string;
      code: string;
      position: number;
      number: number;
      berth: string;
      class_code: string;
      rac: boolean;
    }>(
      this.em(),
      `select s.id, c.code, c.position, s.number, s.berth, s.class_code, s.rac
         from seats s join coaches c on c.id = s.coach_id
        where s.run_id = ?
        order by c.position, s.number`,
      [runId],
    );
    return new Map(
      rows.map((r) => [
        Number(r.id),
        {
          seatId: Number(r.id),
          coach: r.code,
          coachPosition: r.position,
          number: r.number,
          berth: r.berth,
          classCode: r.class_code,
          rac: r.rac,
        },
      ]),
    );
  }

  private async loadClasses(): Promise<Map<string, ClassFare>> {
    const rows = await query<{
      code: string;
      name: string;
      base_fare_paise: number;
      per_km_paise: number;
    }>(
      this.em(),
      `select code, name, base_fare_paise, per_km_paise from travel_classes order by sort_order, code`,
    );
    return new Map(
      rows.map((r) => [
        r.code,
        {
          code: r.code,
          name: r.name,
          baseFarePaise: r.base_fare_paise,
          perKmPaise: r.per_km_paise,
        },
      ]),
    );
  }
}

/** When the train leaves `stop` (or arrives, for the last stop). */
export function departureAt(route: RunRoute, stop: RouteStop): Date {
  const offset = stop.departureOffsetMin ?? stop.arrivalOffsetMin ?? 0;
  return new Date(route.departsAt.getTime() + offset * 60_000);
}

export function arrivalAt(route: RunRoute, stop: RouteStop): Date {
  const offset = stop.arrivalOffsetMin ?? stop.departureOffsetMin ?? 0;
  return new Date(route.departsAt.getTime() + offset * 60_000);
}
