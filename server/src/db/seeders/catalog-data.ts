import { TRAVEL_CLASS_NAMES } from '@berth/shared';
import type { LayoutName } from './seat-layouts.ts';

/**
 * The demo catalog: three real corridors into Mumbai Central that share stations, so a search
 * such as KOTA -> BCT or BRC -> ST finds more than one train. Distances are close to the real
 * ones; timetables are plausible rather than copied.
 */

/** The time zone every timetable below is written in, and in which service dates are counted. */

export interface StationSpec {
  code: string;
  name: string;
  city: string;
}

export const STATIONS: readonly StationSpec[] = [
  { code: 'NDLS', name: 'New Delhi', city: 'New Delhi' },
  { code: 'MTJ', name: 'Mathura Junction', city: 'Mathura' },
  { code: 'JP', name: 'Jaipur Junction', city: 'Jaipur' },
  { code: 'SWM', name: 'Sawai Madhopur Junction', city: 'Sawai Madhopur' },
  { code: 'KOTA', name: 'Kota Junction', city: 'Kota' },
  { code: 'RTM', name: 'Ratlam Junction', city: 'Ratlam' },
  { code: 'ADI', name: 'Ahmedabad Junction', city: 'Ahmedabad' },
  { code: 'ND', name: 'Nadiad Junction', city: 'Nadiad' },
  { code: 'BRC', name: 'Vadodara Junction', city: 'Vadodara' },
  { code: 'BH', name: 'Bharuch Junction', city: 'Bharuch' },
  { code: 'ST', name: 'Surat', city: 'Surat' },
  { code: 'BCT', name: 'Mumbai Central', city: 'Mumbai' },
];

export interface TravelClassSpec {
  code: string;
  name: string;
  baseFarePaise: number;
  perKmPaise: number;
  sortOrder: number;
  /**
   * How many side-lower berths of each run's last coach of the class are RAC berths: shared by
   * two RAC passengers, sold only once the class's other berths are gone. Berth classes only.
   */
  racBerths: number;
}

/** Fares are a flat part (reservation and superfast charges) plus a rate per km, in paise. */
export const TRAVEL_CLASSES: readonly TravelClassSpec[] = [
  {
    code: 'SL',
    name: TRAVEL_CLASS_NAMES['SL'],
    baseFarePaise: 2000,
    perKmPaise: 50,
    sortOrder: 1,
    racBerths: 4,
  },
  {
    code: 'CC',
    name: TRAVEL_CLASS_NAMES['CC'],
    baseFarePaise: 4000,
    perKmPaise: 110,
    sortOrder: 2,
    racBerths: 0,
  },
  {
    code: '3A',
    name: TRAVEL_CLASS_NAMES['3A'],
    baseFarePaise: 4000,
    perKmPaise: 130,
    sortOrder: 3,
    racBerths: 2,
  },
  {
    code: 'EC',
    name: TRAVEL_CLASS_NAMES['EC'],
    baseFarePaise: 4000,
    perKmPaise: 230,
    sortOrder: 4,
    racBerths: 0,
  },
];

/** Offsets are minutes after the departure from the origin; null where the train does not stop. */
export interface StopSpec {
  station: string;
  km: number;
  arrive: number | null;
  depart: number | null;
}

export interface CoachSpec {
  code: string;
  classCode: string;
  layout: LayoutName;
  seats: number;
}

export interface TrainSpec {
  number: string;
  name: string;
  /** Local time (TIMETABLE_TIME_ZONE, in shared) of the departure from stop 0, "HH:MM". */
  departs: string;
  stops: readonly StopSpec[];
  /** In the order they are marshalled: this gives `coaches.position`. */
  coaches: readonly CoachSpec[];
}

// Real coach sizes: 72 sleeper berths, 64 in AC 3 tier, 75 and 56 chair car seats; about 200
// seats a run keeps seat maps realistic while a week of runs seeds in one statement.
const coach = (code: string, classCode: string, layout: LayoutName, seats: number): CoachSpec => ({
  code,
  classCode,
  layout,
  seats,
});
const SL = (code: string) => coach(code, 'SL', 'sleeper-8', 72);
const AC3 = (code: string) => coach(code, '3A', 'sleeper-8', 64);
const CC = (code: string) => coach(code, 'CC', 'chair-3x2', 75);
const EC = (code: string) => coach(code, 'EC', 'chair-2x2', 56);

export const TRAINS: readonly TrainSpec[] = [
  {
    // Overnight: leaves Delhi in the morning, reaches Mumbai the next morning.
    number: '12904',
    name: 'Golden Temple Mail',
    departs: '07:20',
    stops: [
      { station: 'NDLS', km: 0, arrive: null, depart: 0 },
      { station: 'MTJ', km: 141, arrive: 145, depart: 150 },
      { station: 'KOTA', km: 465, arrive: 425, depart: 435 },
      { station: 'RTM', km: 732, arrive: 690, depart: 700 },
      { station: 'BRC', km: 993, arrive: 960, depart: 970 },
      { station: 'ST', km: 1122, arrive: 1100, depart: 1105 },
      { station: 'BCT', km: 1385, arrive: 1365, depart: null },
    ],
    coaches: [SL('S1'), SL('S2'), AC3('B1')],
  },
  {
    // Overnight: afternoon out of Jaipur, Mumbai by nine the next morning.
    number: '12956',
    name: 'Jaipur Mumbai Superfast Express',
    departs: '14:10',
    stops: [
      { station: 'JP', km: 0, arrive: null, depart: 0 },
      { station: 'SWM', km: 132, arrive: 120, depart: 122 },
      { station: 'KOTA', km: 240, arrive: 215, depart: 225 },
      { station: 'RTM', km: 505, arrive: 475, depart: 485 },
      { station: 'BRC', km: 767, arrive: 745, depart: 755 },
      { station: 'ST', km: 896, arrive: 870, depart: 875 },
      { station: 'BCT', km: 1159, arrive: 1130, depart: null },
    ],
    coaches: [SL('S1'), AC3('B1'), AC3('B2')],
  },
  {
    // A day train in chair cars.
    number: '12010',
    name: 'Ahmedabad Mumbai Shatabdi Express',
    departs: '14:40',
    stops: [
      { station: 'ADI', km: 0, arrive: null, depart: 0 },
      { station: 'ND', km: 45, arrive: 38, depart: 40 },
      { station: 'BRC', km: 100, arrive: 85, depart: 90 },
      { station: 'BH', km: 170, arrive: 145, depart: 147 },
      { station: 'ST', km: 229, arrive: 195, depart: 200 },
      { station: 'BCT', km: 492, arrive: 400, depart: null },
    ],
    coaches: [EC('E1'), CC('C1'), CC('C2')],
  },
];
