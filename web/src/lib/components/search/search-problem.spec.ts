import { describe, expect, it } from 'vitest';
import { searchProblem } from './search-problem.ts';

const window = { first: '2026-12-02', last: '2026-12-08', days: 7 };
const outside = {
  code: 'OUTSIDE_BOOKING_WINDOW' as const,
  message: 'server words',
  details: window,
};

describe('searchProblem', () => {
  it('says a past day has passed and offers today', () => {
    const p = searchProblem(outside, { from: 'NDLS', to: 'BCT', date: '2026-12-01' });
    expect(p.text).toBe(
      'Tue 1 Dec has already passed. You can book for today and the next 6 days, up to Tue 8 Dec.',
    );
    expect(p.retry).toEqual({
      label: 'Search today, Wed 2 Dec',
      query: { from: 'NDLS', to: 'BCT', date: '2026-12-02' },
    });
  });

  it('says a day past the window is not open yet, with the window, and offers its last day', () => {
    const p = searchProblem(outside, { from: 'NDLS', to: 'BCT', date: '2027-01-15' });
    expect(p.text).toBe(
      'Bookings for Fri 15 Jan are not open yet: you can book for today and the next 6 days, up to Tue 8 Dec.',
    );
    expect(p.retry?.query.date).toBe('2026-12-08');
  });

  it('counts a short window in words', () => {
    const short = (days: number, last: string) =>
      searchProblem(
        { ...outside, details: { first: '2026-12-02', last, days } },
        { from: 'NDLS', to: 'BCT', date: '2027-01-15' },
      ).text;
    expect(short(1, '2026-12-02')).toBe(
      'Bookings for Fri 15 Jan are not open yet: you can book for today only.',
    );
    expect(short(2, '2026-12-03')).toMatch(/for today and the next day, up to Thu 3 Dec\.$/);
  });

  it('says the same station twice is the same station, with nothing to retry', () => {
    const p = searchProblem(
      { code: 'VALIDATION', message: 'to: from and to are the same station' },
      { from: 'BCT', to: 'BCT', date: '2026-12-03' },
    );
    expect(p).toEqual({
      text: 'From and to are the same station. Choose where you are travelling to.',
    });
  });

  it('falls back to the server message for anything else', () => {
    expect(
      searchProblem(
        { code: 'INTERNAL', message: 'Cannot reach Berth.' },
        { from: 'NDLS', to: 'BCT', date: '2026-12-03' },
      ).text,
    ).toBe('Cannot reach Berth.');
  });
});
