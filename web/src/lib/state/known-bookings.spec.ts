import { describe, expect, it } from 'vitest';
import type { BookingView } from '@berth/shared';
import { isNews, knownBooking, rememberBooking } from './known-bookings.ts';

const view = { id: 7, pnr: 'PNR0000007', status: 'held', refund: null } as unknown as BookingView;

describe('the bookings a tab knows', () => {
  it('are known while fresh, and read again once they may have missed a change', () => {
    rememberBooking(view, 1_000);
    expect(knownBooking('PNR0000007', 20_000)).toBe(view);
    expect(knownBooking('PNR0000007', 40_000)).toBeUndefined();
  });

  it('a push that repeats the known status is no news; another status or a refund is', () => {
    expect(isNews({ bookingId: 7, pnr: view.pnr, status: 'held' }, view)).toBe(false);
    expect(isNews({ bookingId: 7, pnr: view.pnr, status: 'paying' }, view)).toBe(true);
    expect(isNews({ bookingId: 7, pnr: view.pnr, refund: 'succeeded' }, view)).toBe(true);
    expect(isNews({ bookingId: 7, pnr: view.pnr, status: 'held' }, undefined)).toBe(true);
  });
});
