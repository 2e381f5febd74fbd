import { BERTH_PREFERENCES, GENDERS, type Gender, type Passenger } from '@berth/shared';

export type BerthPreference = (typeof BERTH_PREFERENCES)[number];

/** One passenger as typed into a form: strings until they are checked and sent. */
export interface PassengerDraft {
  name: string;
  age: string;
  /** Empty: not given (the ticket leaves it blank). */
  gender: Gender | '';
  /** Empty: no preference. Only asked when places are requested, not for picked seats. */
  berthPreference: BerthPreference | '';
}

export const GENDER_NAMES: Record<Gender, string> = {
  F: 'Female',
  M: 'Male',
  X: 'Transgender',
};
export const GENDER_CHOICES = GENDERS.map((g) => ({ value: g, text: GENDER_NAMES[g] }));

/** The berth preferences a passenger may ask for in a class of berths (chair cars: window, aisle). */
export const PREFERENCE_NAMES: Partial<Record<BerthPreference, string>> = {
  LB: 'Lower',
  MB: 'Middle',
  UB: 'Upper',
  SL: 'Side lower',
  SU: 'Side upper',
  WINDOW: 'Window',
  AISLE: 'Aisle',
};

/** A seat's berth code as a preference one may ask for (chair cars: window and aisle seats). */
const PREFERENCE_OF_BERTH: Record<string, BerthPreference> = {
  LB: 'LB',
  MB: 'MB',
  UB: 'UB',
  SL: 'SL',
  SU: 'SU',
  WS: 'WINDOW',
  AS: 'AISLE',
};

/** The preferences worth offering in a class: those its seats can meet, in a fixed order. */
export function preferencesFor(berths: readonly string[]): BerthPreference[] {
  const offered = new Set(berths.map((b) => PREFERENCE_OF_BERTH[b]));
  return BERTH_PREFERENCES.filter((p) => offered.has(p));
}

export const blankPassenger = (name = ''): PassengerDraft => ({
  name,
  age: '',
  gender: '',
  berthPreference: '',
});

/** What is wrong with a draft, in words, or null when it can be sent (the server's own limits). */
export function passengerProblem(p: PassengerDraft): string | null {
  const age = Number(p.age);
  if (!p.name.trim()) return 'Enter the passenger’s name.';
  if (p.name.trim().length > 60) return 'Use at most 60 characters.';
  if (p.age.trim() === '' || !Number.isInteger(age) || age < 0 || age > 125)
    return 'Enter an age between 0 and 125.';
  return null;
}

/** The passenger as the contract sends it (see passengerSchema in shared). */
export function toPassenger(p: PassengerDraft): Passenger {
  return {
    name: p.name.trim(),
    age: Number(p.age),
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.berthPreference ? { berthPreference: p.berthPreference } : {}),
  };
}
