import { describe, expect, it } from 'vitest';
import { stationCode } from '@berth/shared';
import { STATIONS, TRAINS, TRAVEL_CLASSES } from './catalog-data.ts';
import { layoutSeats, SEAT_LAYOUTS } from './seat-layouts.ts';

// The seeder trusts this data: a route that goes back in time or distance would seed a train
// nobody can book sensibly, so the shape of every route is checked here rather than in SQL.

describe('demo catalog', () => {
  const stationCodes = new Set(STATIONS.map((s) => s.code));
  const classCodes = new Set(TRAVEL_CLASSES.map((c) => c.code));

  it('has valid, unique station codes', () => {
    for (const s of STATIONS) expect(stationCode.parse(s.code)).toBe(s.code);
    expect(stationCodes.size).toBe(STATIONS.length);
  });

  for (const train of TRAINS) {
    describe(`${train.number} ${train.name}`, () => {
      it('runs forward in distance and time, with no arrival at the origin or departure at the end', () => {
        const { stops } = train;
        expect(stops.length).toBeGreaterThanOrEqual(4);
        expect(stops[0]).toMatchObject({ km: 0, arrive: null, depart: 0 });
        expect(stops.at(-1)?.depart).toBeNull();
        for (const [i, stop] of stops.entries()) {
          expect(stationCodes.has(stop.station), stop.station).toBe(true);
          if (i === 0) continue;
          const prev = stops[i - 1]!;
          expect(stop.km).toBeGreaterThan(prev.km);
          expect(stop.arrive).toBeGreaterThan(prev.depart!);
          if (stop.depart !== null) expect(stop.depart).toBeGreaterThanOrEqual(stop.arrive!);
        }
        expect(new Set(stops.map((s) => s.station)).size).toBe(stops.length);
      });

      it('has coaches of known classes and layouts, about 200 seats a run', () => {
        expect(train.departs).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
        expect(new Set(train.coaches.map((c) => c.code)).size).toBe(train.coaches.length);
        expect(new Set(train.coaches.map((c) => c.classCode)).size).toBeGreaterThanOrEqual(2);
        for (const c of train.coaches) {
          expect(classCodes.has(c.classCode), c.classCode).toBe(true);
          expect(SEAT_LAYOUTS[c.layout]).toBeDefined();
        }
        const seats = train.coaches.reduce((n, c) => n + c.seats, 0);
        expect(seats).toBeGreaterThanOrEqual(100);
        expect(seats).toBeLessThanOrEqual(250);
      });
    });
  }

  it('lets a search between shared stations find more than one train', () => {
    const serving = (from: string, to: string) =>
      TRAINS.filter((t) => {
        const i = t.stops.findIndex((s) => s.station === from);
        const j = t.stops.findIndex((s) => s.station === to);
        return i >= 0 && j > i;
      }).map((t) => t.number);
    expect(serving('KOTA', 'BCT')).toHaveLength(2);
    expect(serving('BRC', 'ST')).toHaveLength(3);
  });

  it('has an overnight train', () => {
    const arrivesNextDay = TRAINS.some((t) => {
      const [h, m] = t.departs.split(':').map(Number);
      return h! * 60 + m! + t.stops.at(-1)!.arrive! >= 24 * 60;
    });
    expect(arrivesNextDay).toBe(true);
  });
});

describe('seat layouts', () => {
  it('numbers a sleeper coach in bays of LB MB UB LB MB UB SL SU', () => {
    const seats = layoutSeats('sleeper-8', 72);
    expect(seats.slice(0, 9).map((s) => s.berth)).toEqual([
      'LB',
      'MB',
      'UB',
      'LB',
      'MB',
      'UB',
      'SL',
      'SU',
      'LB',
    ]);
    expect(seats.at(-1)).toEqual({ number: 72, berth: 'SU' });
  });

  it('numbers a chair car row window, middle, aisle, aisle, window', () => {
    expect(layoutSeats('chair-3x2', 6).map((s) => s.berth)).toEqual([
      'WS',
      'MS',
      'AS',
      'AS',
      'WS',
      'WS',
    ]);
  });
});
