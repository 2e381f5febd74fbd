import type { RunSnapshot } from '@berth/shared';
import { describe, expect, it } from 'vitest';
import { WatchedMap } from './seat-map.ts';

const seat = (seatId: number, version: number, state: 'free' | 'held' | 'booked' | 'yours') => ({
  seatId,
  coach: 'S1',
  number: seatId,
  berth: 'LB',
  label: `S1-${seatId} Lower`,
  classCode: 'SL',
  version,
  state,
  rac: false,
});
const stop = (seq: number, code: string) => ({
  seq,
  code,
  name: code,
  at: '2026-12-03T00:00:00.000Z',
});
const snapshot = (seats: ReturnType<typeof seat>[]): RunSnapshot => ({
  runId: 1,
  train: { number: '1', name: 'T', serviceDate: '2026-12-03' },
  from: stop(1, 'B'),
  to: stop(3, 'D'),
  stops: [stop(1, 'B'), stop(2, 'C'), stop(3, 'D')],
  seats,
  serverNow: '2026-12-01T00:00:00.000Z',
  selecting: [],
});

describe('a watched map, kept as the web client keeps it', () => {
  it('derives each delta for its own segment and ignores versions it has seen', () => {
    const map = new WatchedMap(snapshot([seat(1, 1, 'free'), seat(2, 1, 'free')]), {
      from: 'B',
      to: 'D',
    });
    map.apply([
      { seatId: 1, version: 2, occupancy: [{ from: 0, to: 1, state: 'booked' }] },
      { seatId: 2, version: 2, occupancy: [{ from: 2, to: 5, state: 'held' }] },
    ]);
    expect(map.state(1)).toBe('free'); // booked before our segment starts
    expect(map.state(2)).toBe('held');
    map.apply([{ seatId: 2, version: 2, occupancy: [] }]);
    expect(map.state(2)).toBe('held'); // a stale (replayed) version changes nothing
  });

  it("shows the viewer's own hold as yours until the seat is free again", () => {
    const map = new WatchedMap(snapshot([seat(1, 1, 'free')]), { from: 'B', to: 'D' });
    map.claim([1]);
    expect(map.state(1)).toBe('free'); // the ack came before the delta
    map.apply([{ seatId: 1, version: 2, occupancy: [{ from: 1, to: 3, state: 'held' }] }]);
    expect(map.state(1)).toBe('yours');
    map.apply([{ seatId: 1, version: 3, occupancy: [{ from: 1, to: 3, state: 'booked' }] }]);
    expect(map.state(1)).toBe('yours');
    map.apply([{ seatId: 1, version: 4, occupancy: [] }]);
    expect(map.state(1)).toBe('free');
    map.apply([{ seatId: 1, version: 5, occupancy: [{ from: 1, to: 3, state: 'held' }] }]);
    expect(map.state(1)).toBe('held'); // someone else's now
  });

  it('counts itself behind a digest whose versions add up to more', () => {
    const map = new WatchedMap(snapshot([seat(1, 3, 'free'), seat(2, 4, 'held')]), {
      from: 'B',
      to: 'D',
    });
    expect(map.behind({ runId: 1, seatCount: 2, versionSum: 7, at: '' })).toBe(false);
    expect(map.behind({ runId: 1, seatCount: 2, versionSum: 8, at: '' })).toBe(true);
  });

  it('a snapshot read before a change the map already has does not undo it', () => {
    const map = new WatchedMap(snapshot([seat(1, 1, 'free')]), { from: 'B', to: 'D' });
    const booked = {
      seatId: 1,
      version: 3,
      occupancy: [{ from: 1, to: 3, state: 'booked' as const }],
    };
    map.apply([booked]);
    // A re-snapshot whose read came before that commit, answered after its delta.
    map.applySnapshot(snapshot([seat(1, 2, 'held')]));
    expect(map.rows()).toEqual([[1, 3, 'booked']]);
    // And a newer snapshot wins.
    map.applySnapshot(snapshot([seat(1, 4, 'free')]));
    expect(map.rows()).toEqual([[1, 4, 'free']]);
  });

  it('deltas that arrived before the first snapshot are applied over it', () => {
    const early = [
      { seatId: 1, version: 2, occupancy: [{ from: 1, to: 3, state: 'held' as const }] },
    ];
    const map = new WatchedMap(snapshot([seat(1, 1, 'free')]), { from: 'B', to: 'D' }, early);
    expect(map.rows()).toEqual([[1, 2, 'held']]);
  });
});
