import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSnapshot, SeatDelta } from '@berth/shared';
import { SeatMapState } from './seat-map.svelte.ts';

/** A run of 4 seats (two SL, two 3A) watched for stops 1 -> 3. */
function snapshot(overrides: Partial<RunSnapshot> = {}): RunSnapshot {
  const seat = (
    seatId: number,
    classCode: string,
    state: 'free' | 'held' | 'booked' | 'yours',
  ) => ({
    seatId,
    coach: classCode === 'SL' ? 'S1' : 'B1',
    number: seatId,
    berth: 'LB',
    label: `seat ${seatId}`,
    classCode,
    version: 1,
    state,
    rac: false,
  });
  return {
    runId: 7,
    train: { number: '12956', name: 'Test Express', serviceDate: '2026-11-24' },
    from: { seq: 1, code: 'JP', name: 'Jaipur', at: '2026-11-24T08:40:00.000Z' },
    to: { seq: 3, code: 'KOTA', name: 'Kota', at: '2026-11-24T12:10:00.000Z' },
    stops: [
      { seq: 1, code: 'JP', name: 'Jaipur', at: '2026-11-24T08:40:00.000Z' },
      { seq: 2, code: 'SWM', name: 'Sawai Madhopur', at: '2026-11-24T10:42:00.000Z' },
      { seq: 3, code: 'KOTA', name: 'Kota', at: '2026-11-24T12:10:00.000Z' },
    ],
    seats: [
      seat(1, 'SL', 'free'),
      seat(2, 'SL', 'held'),
      seat(3, '3A', 'free'),
      seat(4, '3A', 'yours'),
    ],
    serverNow: new Date(0).toISOString(),
    selecting: [],
    ...overrides,
  };
}

const held = (seatId: number, version: number, from = 0, to = 4): SeatDelta => ({
  seatId,
  version,
  occupancy: [{ from, to, state: 'held' }],
});
const free = (seatId: number, version: number): SeatDelta => ({ seatId, version, occupancy: [] });

/** Runs the queued flush by hand, like one animation frame. */
function manualFrames() {
  const pending: (() => void)[] = [];
  return {
    schedule: (fn: () => void) => pending.push(fn),
    frame: () => pending.splice(0).forEach((fn) => fn()),
    waiting: () => pending.length,
  };
}

describe('SeatMapState', () => {
  it('applies a batch of deltas in order on the next frame, not before', () => {
    const frames = manualFrames();
    const map = new SeatMapState({ schedule: frames.schedule });
    map.applySnapshot(snapshot());
    map.queue([held(1, 2)]);
    map.queue([free(1, 3), held(3, 2)]);
    expect(map.seat(1)!.state).toBe('free');
    expect(frames.waiting()).toBe(1);
    frames.frame();
    // In order: seat 1 was held at v2, then freed at v3.
    expect(map.seat(1)).toMatchObject({ state: 'free', version: 3 });
    expect(map.seat(3)).toMatchObject({ state: 'held', version: 2 });
  });

  it('a delta that beat the snapshot to the client is not undone by it', () => {
    const frames = manualFrames();
    const map = new SeatMapState({ schedule: frames.schedule });
    // Watching: the delta (v2) arrives first, then the snapshot read before that change (v1).
    map.queue([held(1, 2)]);
    map.applySnapshot(snapshot());
    expect(map.seat(1)).toMatchObject({ state: 'held', version: 2 });
    // A re-snapshot after a reconnect, read before a change already shown, keeps it too.
    map.queue([free(1, 3)]);
    frames.frame();
    map.applySnapshot(snapshot({ seats: snapshot().seats.map((s) => ({ ...s, version: 2 })) }));
    expect(map.seat(1)).toMatchObject({ state: 'free', version: 3 });
    // A snapshot newer than every delta wins.
    map.applySnapshot(
      snapshot({ seats: snapshot().seats.map((s) => ({ ...s, version: 9, state: 'booked' })) }),
    );
    expect(map.seat(1)).toMatchObject({ state: 'booked', version: 9 });
  });

  it('ignores a delta whose version is not newer than the one shown', () => {
    const map = new SeatMapState({ schedule: (fn) => fn() });
    map.applySnapshot(snapshot());
    map.queue([held(1, 5)]);
    map.queue([free(1, 4), free(1, 5)]);
    expect(map.seat(1)).toMatchObject({ state: 'held', version: 5 });
  });

  it('derives the state for its own segment from the whole occupancy', () => {
    const map = new SeatMapState({ schedule: (fn) => fn() });
    map.applySnapshot(snapshot());
    // Held 0 -> 1 and 3 -> 4: neither touches 1 -> 3, so the seat stays free for this viewer.
    map.queue([
      {
        seatId: 1,
        version: 2,
        occupancy: [
          { from: 0, to: 1, state: 'held' },
          { from: 3, to: 4, state: 'booked' },
        ],
      },
    ]);
    expect(map.seat(1)!.state).toBe('free');
    map.queue([{ seatId: 1, version: 3, occupancy: [{ from: 2, to: 4, state: 'booked' }] }]);
    expect(map.seat(1)!.state).toBe('booked');
  });

  it('keeps the viewer’s own seats as "yours" until a delta frees them', () => {
    const map = new SeatMapState({ schedule: (fn) => fn() });
    map.applySnapshot(snapshot());
    map.queue([held(1, 2)]);
    map.claim([1]);
    expect(map.seat(1)!.state).toBe('yours');
    map.queue([{ seatId: 1, version: 3, occupancy: [{ from: 0, to: 4, state: 'booked' }] }]);
    expect(map.seat(1)!.state).toBe('yours');
    map.queue([free(4, 2)]);
    expect(map.seat(4)!.state).toBe('free');
    // Freed once, a later sale to someone else is theirs, not ours.
    map.queue([held(4, 3)]);
    expect(map.seat(4)!.state).toBe('held');
  });

  it('says where a seat taken on part of the journey is still free, from snapshot and deltas', () => {
    const stop = (seq: number, code: string, name: string) => ({
      seq,
      code,
      name,
      at: new Date(Date.UTC(2026, 10, 24, 8 + seq)).toISOString(),
    });
    const stops = [
      stop(0, 'JP', 'Jaipur'),
      stop(1, 'SWM', 'Sawai Madhopur'),
      stop(2, 'KOTA', 'Kota'),
      stop(3, 'RTM', 'Ratlam'),
      stop(4, 'BRC', 'Vadodara'),
    ];
    const base = snapshot();
    const map = new SeatMapState({ schedule: (fn) => fn() });
    // Watching Jaipur -> Vadodara; seat 2 is held Jaipur -> Kota only.
    map.applySnapshot({
      ...base,
      from: stops[0]!,
      to: stops[4]!,
      stops,
      seats: base.seats.map((s) =>
        s.seatId === 2
          ? { ...s, occupancy: [{ from: 0, to: 2, state: 'held' as const }] }
          : s.seatId === 4
            ? { ...s, occupancy: [{ from: 3, to: 4, state: 'held' as const }] }
            : s,
      ),
    });
    expect(map.hint(2)).toMatchObject({
      state: 'held',
      words: 'free from Kota',
      taken: [{ from: { code: 'JP' }, to: { code: 'KOTA' } }],
      free: [{ from: { code: 'KOTA' }, to: { code: 'BRC' } }],
    });
    // Free seats say nothing more, nor does the viewer's own seat.
    expect(map.hint(1)).toBeNull();
    expect(map.hint(4)).toBeNull();

    map.queue([
      {
        seatId: 2,
        version: 2,
        occupancy: [
          { from: 0, to: 2, state: 'held' },
          { from: 3, to: 4, state: 'booked' },
        ],
      },
    ]);
    expect(map.seat(2)!.state).toBe('booked');
    expect(map.hint(2)).toMatchObject({
      state: 'booked',
      words: 'free Kota → Ratlam',
      taken: [
        { from: { code: 'JP' }, to: { code: 'KOTA' } },
        { from: { code: 'RTM' }, to: { code: 'BRC' } },
      ],
    });
    map.queue([held(1, 2, 1, 2)]);
    expect(map.hint(1)?.words).toBe('free until Sawai Madhopur and from Kota');
    // A stale delta changes nothing; a sale all along leaves nothing free.
    map.queue([free(2, 1)]);
    expect(map.hint(2)?.words).toBe('free Kota → Ratlam');
    map.queue([held(2, 3, 0, 4)]);
    expect(map.hint(2)).toBeNull();
    map.queue([free(1, 3)]);
    expect(map.hint(1)).toBeNull();
  });

  it('counts free seats per class for its segment', () => {
    const map = new SeatMapState({ schedule: (fn) => fn() });
    map.applySnapshot(snapshot());
    expect(map.counts).toEqual([
      { classCode: 'SL', capacity: 2, free: 1 },
      { classCode: '3A', capacity: 2, free: 1 },
    ]);
    map.queue([held(3, 2)]);
    expect(map.counts.find((c) => c.classCode === '3A')!.free).toBe(0);
  });

  it('shows "being selected" marks until they lapse, on the server’s clock', () => {
    let now = 10_000;
    const map = new SeatMapState({ schedule: (fn) => fn(), now: () => now });
    // The server's clock is 5 s ahead of this client's.
    map.applySnapshot(
      snapshot({
        serverNow: new Date(now + 5000).toISOString(),
        selecting: [{ seatId: 3, until: new Date(now + 5000 + 3000).toISOString() }],
      }),
    );
    expect(map.isSelecting(3)).toBe(true);
    now += 2900;
    expect(map.isSelecting(3)).toBe(true);
    now += 200;
    expect(map.isSelecting(3)).toBe(false);
  });

  describe('digests', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('re-snapshots when a batch was missed (digest still ahead after the grace period)', () => {
      const onBehind = vi.fn();
      const map = new SeatMapState({ schedule: (fn) => fn(), onBehind, graceMs: 1000 });
      map.applySnapshot(snapshot());
      // The server has seen one change (version sum 4 + 1) that never reached this client.
      map.checkDigest({ runId: 7, seatCount: 4, versionSum: 5, at: new Date().toISOString() });
      vi.advanceTimersByTime(999);
      expect(onBehind).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(onBehind).toHaveBeenCalledTimes(1);
      expect(map.resyncs).toBe(1);
    });

    it('does not re-snapshot when the batch arrives within the grace period', () => {
      const onBehind = vi.fn();
      const map = new SeatMapState({ schedule: (fn) => fn(), onBehind, graceMs: 1000 });
      map.applySnapshot(snapshot());
      map.checkDigest({ runId: 7, seatCount: 4, versionSum: 5, at: new Date().toISOString() });
      map.queue([held(1, 2)]);
      vi.advanceTimersByTime(1000);
      expect(onBehind).not.toHaveBeenCalled();
    });

    it('is content when its versions add up to the digest', () => {
      const onBehind = vi.fn();
      const map = new SeatMapState({ schedule: (fn) => fn(), onBehind, graceMs: 1000 });
      map.applySnapshot(snapshot());
      map.checkDigest({ runId: 7, seatCount: 4, versionSum: 4, at: new Date().toISOString() });
      map.checkDigest({ runId: 8, seatCount: 9, versionSum: 99, at: new Date().toISOString() });
      vi.advanceTimersByTime(5000);
      expect(onBehind).not.toHaveBeenCalled();
    });
  });
});
