import type { RaceEntry } from '@berth/shared';

/** A contender's outcome in a few words, for the race timeline (the code alone says little). */
const WORDS: Partial<Record<RaceEntry['outcome'], string>> = {
  WON: 'Won the seat',
  SEAT_TAKEN: 'Seat already taken',
  JOURNEY_OVERLAP: 'Already travelling then',
  RATE_LIMITED: 'Asked too often',
  OVERLOADED: 'Server too busy',
  HOLD_EXPIRED: 'Hold ran out',
  VALIDATION: 'Request refused',
  FORBIDDEN: 'Not allowed',
  UNAUTHENTICATED: 'Not signed in',
  INTERNAL: 'Server error',
};

export function outcomeWords(outcome: RaceEntry['outcome']): string {
  return WORDS[outcome] ?? outcome.toLowerCase().replaceAll('_', ' ');
}
