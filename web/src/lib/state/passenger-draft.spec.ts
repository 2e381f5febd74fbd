import { describe, expect, it } from 'vitest';
import { passengerSchema } from '@berth/shared';
import {
  blankPassenger,
  passengerProblem,
  preferencesFor,
  toPassenger,
} from './passenger-draft.ts';

describe('passenger drafts', () => {
  it('names what is missing, one problem at a time', () => {
    expect(passengerProblem(blankPassenger())).toMatch(/name/);
    expect(passengerProblem({ ...blankPassenger('Asha'), age: '200' })).toMatch(/age/);
    expect(passengerProblem({ ...blankPassenger('Asha'), age: '2.5' })).toMatch(/age/);
    expect(passengerProblem({ ...blankPassenger('Asha'), age: '34' })).toBeNull();
  });

  it('sends only what was given, in the contract’s shape', () => {
    const bare = toPassenger({ ...blankPassenger('  Asha '), age: '34' });
    expect(bare).toEqual({ name: 'Asha', age: 34 });
    const full = toPassenger({ name: 'Ravi', age: '61', gender: 'M', berthPreference: 'LB' });
    expect(full).toEqual({ name: 'Ravi', age: 61, gender: 'M', berthPreference: 'LB' });
    expect(passengerSchema.safeParse(bare).success).toBe(true);
    expect(passengerSchema.safeParse(full).success).toBe(true);
  });

  it('offers the preferences a class’s seats can meet', () => {
    expect(preferencesFor(['UB', 'LB', 'SL', 'LB', 'MB', 'SU'])).toEqual([
      'LB',
      'MB',
      'UB',
      'SL',
      'SU',
    ]);
    expect(preferencesFor(['WS', 'MS', 'AS'])).toEqual(['WINDOW', 'AISLE']);
  });
});
