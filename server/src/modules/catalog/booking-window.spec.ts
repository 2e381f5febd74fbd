import { describe, expect, it } from 'vitest';
import { calendar } from './booking-window.ts';

describe('the calendar', () => {
  it('reads today in BERTH_TIMEZONE: one instant is a different date in Kiritimati and Honolulu', () => {
    const instant = new Date('2026-12-01T20:00:00Z');
    const ahead = calendar(
      { BERTH_TIMEZONE: 'Pacific/Kiritimati', BOOKING_WINDOW_DAYS: 2 },
      instant,
    );
    const behind = calendar(
      { BERTH_TIMEZONE: 'Pacific/Honolulu', BOOKING_WINDOW_DAYS: 2 },
      instant,
    );
    expect(ahead).toEqual({
      timeZone: 'Pacific/Kiritimati',
      today: '2026-12-02',
      bookingWindow: { first: '2026-12-02', last: '2026-12-03', days: 2 },
    });
    expect(behind.today).toBe('2026-12-01');
  });
});
