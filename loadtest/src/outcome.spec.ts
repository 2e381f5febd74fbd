import { describe, expect, it } from 'vitest';
import { compareMaps, winners, type Truth } from './outcome.ts';
import type { JournalRecord } from './plan.ts';

const hold = (
  bookingId: number,
  seatIds: number[],
  fromSeq: number,
  toSeq: number,
  ackAt: number,
): JournalRecord => ({
  t: 'hold',
  vu: bookingId,
  persona: 'snipers',
  bookingId,
  runId: 1,
  seatIds,
  fromSeq,
  toSeq,
  ackAt,
});

describe('winners per seat and segment', () => {
  it('one owner per leg: the halves of a route on one seat are two winners of different segments', () => {
    const r = winners([hold(1, [10], 0, 3, 100), hold(2, [10], 3, 6, 110)]);
    expect(r.maxWinners).toBe(1);
    expect(r.doubles).toEqual([]);
  });

  it('two live bookings on one leg of one seat are a double winner', () => {
    const r = winners([hold(1, [10, 11], 0, 6, 100), hold(2, [11], 2, 4, 150)]);
    expect(r.maxWinners).toBe(2);
    expect(r.doubles[0]).toContain('seat 11');
  });

  it('a seat let go and taken again is not a double winner', () => {
    const r = winners([
      hold(1, [10], 0, 6, 100),
      { t: 'end', bookingId: 1, how: 'released', sentAt: 200, acked: true },
      hold(2, [10], 0, 6, 250),
    ]);
    expect(r.maxWinners).toBe(1);
  });

  it('counts contenders and winners per contested seat and segment', () => {
    const contend = (outcome: string): JournalRecord => ({
      t: 'contend',
      seatId: 5,
      from: 'A',
      to: 'C',
      outcome,
    });
    const r = winners([contend('WON'), contend('SEAT_TAKEN'), contend('SEAT_TAKEN')]);
    expect(r.contested).toEqual([{ seatId: 5, from: 'A', to: 'C', contenders: 3, winners: 1 }]);
  });
});

describe('live truth', () => {
  const truth = (states: Record<number, [string, number]>): Truth => ({
    get: () =>
      new Map(
        Object.entries(states).map(([id, [state, version]]) => [Number(id), { state, version }]),
      ),
  });
  const map = (seats: [number, number, string][]): JournalRecord => ({
    t: 'map',
    vu: 1,
    persona: 'watchers',
    runId: 1,
    from: 'A',
    to: 'C',
    seats,
    digestBehind: 0,
    resyncs: 0,
    drained: true,
  });

  it("reads a viewer's own seats as held or booked", () => {
    const r = compareMaps(
      [
        map([
          [1, 2, 'yours'],
          [2, 3, 'yours'],
          [3, 0, 'free'],
        ]),
      ],
      truth({ 1: ['held', 2], 2: ['booked', 3], 3: ['free', 0] }),
    );
    expect(r.staleSeats).toBe(0);
    expect(r.seats).toBe(3);
  });

  it('finds a seat whose change never reached the map', () => {
    const r = compareMaps(
      [
        map([
          [1, 1, 'held'],
          [2, 0, 'free'],
        ]),
      ],
      truth({ 1: ['booked', 2], 2: ['free', 0] }),
    );
    expect(r.staleSeats).toBe(1);
    expect(r.staleMaps).toBe(1);
    expect(r.examples[0]).toContain('shows held v1, is booked v2');
  });

  it('tells a right state with a version behind apart from a stale seat', () => {
    const r = compareMaps([map([[1, 1, 'free']])], truth({ 1: ['free', 2] }));
    expect(r.staleSeats).toBe(0);
    expect(r.behindVersions).toBe(1);
  });
});
