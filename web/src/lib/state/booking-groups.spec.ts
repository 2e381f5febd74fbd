import { describe, expect, it } from 'vitest';
import type { BookingStatus, BookingView } from '@berth/shared';
import { groupBookings, isUpcoming } from './booking-groups.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const at = (hours: number) => new Date(NOW + hours * 3_600_000).toISOString();

function booking(
  pnr: string,
  status: BookingStatus,
  opts: { departsIn?: number; arrivesIn?: number; expiresIn?: number; madeAgo?: number } = {},
): BookingView {
  const departsIn = opts.departsIn ?? 24;
  return {
    id: pnr.charCodeAt(0),
    pnr,
    runId: 1,
    trainNumber: '12010',
    trainName: 'Shatabdi',
    serviceDate: '2026-12-03',
    from: { seq: 0, code: 'ADI', name: 'Ahmedabad Junction', departsAt: at(departsIn) },
    to: {
      seq: 3,
      code: 'BCT',
      name: 'Mumbai Central',
      arrivesAt: at(opts.arrivesIn ?? departsIn + 7),
    },
    classCode: 'CC',
    status,
    place: 'berth',
    passengers: [],
    expiresAt: at(opts.expiresIn ?? -1),
    serverNow: at(0),
    farePaise: 100_000,
    seats: [],
    refund: null,
    payment: null,
    createdAt: at(-(opts.madeAgo ?? 1)),
  };
}

describe('upcoming or past', () => {
  it('keeps tickets, live holds and payments with the bank for journeys not yet over', () => {
    expect(isUpcoming(booking('A', 'confirmed'), NOW)).toBe(true);
    expect(isUpcoming(booking('B', 'held', { expiresIn: 0.05 }), NOW)).toBe(true);
    expect(isUpcoming(booking('C', 'paying'), NOW)).toBe(true);
    // On the train right now: the journey has not ended.
    expect(isUpcoming(booking('D', 'confirmed', { departsIn: -2, arrivesIn: 3 }), NOW)).toBe(true);
  });

  it('puts released, lapsed, cancelled and travelled bookings in the past', () => {
    expect(isUpcoming(booking('E', 'released'), NOW)).toBe(false);
    expect(isUpcoming(booking('F', 'expired'), NOW)).toBe(false);
    expect(isUpcoming(booking('G', 'cancelled'), NOW)).toBe(false);
    // Still 'held' until the sweeper gets to it, but its time is up.
    expect(isUpcoming(booking('H', 'held', { expiresIn: -0.01 }), NOW)).toBe(false);
    expect(isUpcoming(booking('I', 'confirmed', { departsIn: -30, arrivesIn: -23 }), NOW)).toBe(
      false,
    );
  });

  it('orders upcoming trips soonest first and the past newest first', () => {
    const { upcoming, past } = groupBookings(
      [
        booking('L', 'confirmed', { departsIn: 72, madeAgo: 1 }),
        booking('M', 'released', { madeAgo: 5 }),
        booking('N', 'confirmed', { departsIn: 24, madeAgo: 2 }),
        booking('O', 'cancelled', { madeAgo: 3 }),
      ],
      NOW,
    );
    expect(upcoming.map((b) => b.pnr)).toEqual(['N', 'L']);
    expect(past.map((b) => b.pnr)).toEqual(['O', 'M']);
  });
});
