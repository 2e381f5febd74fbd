import { searchResultSchema, type BookingView, type SeatMapSeat, routeUrl } from '@berth/shared';
import { z } from 'zod';
import type { WatchTarget } from '../src/plan.ts';
import { rushFor } from './rush.ts';
import type { WatchedMap } from './seat-map.ts';
import type { Vu } from './vu.ts';

/** The steps of each persona; the YAML under scenarios/ puts them in order with think times. */

const searchResults = z.array(searchResultSchema);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// --- watchers: open a run's seat map and stay ---------------------------------------------

export async function watchAssigned(vu: Vu) {
  await vu.watch(vu.random.pick(vu.plan.watchers.targets));
}

// --- kiosks: watch what their station's departures board lists -----------------------------

export async function kioskBoard(vu: Vu) {
  const { stations, date } = vu.plan.kiosks;
  const code = stations[vu.index % stations.length]!;
  const board = await vu.get(
    'departures',
    routeUrl('departures', { params: { code }, query: { date } }),
    searchResults,
  );
  for (const run of board ?? []) {
    await vu.watch({ runId: run.runId, from: run.from.code, to: run.to.code });
  }
}

// --- buyers: search, watch, hold 1 to 6, pay (some declined), sometimes release or cancel ----

export async function search(vu: Vu) {
  const { date, searches } = vu.plan.buyers;
  const want = vu.random.pick(searches);
  const results = await vu.get(
    'search',
    routeUrl('search', { query: { from: want.from, to: want.to, date } }),
    searchResults,
  );
  const open = (results ?? []).filter((r) => r.classes.some((c) => c.free > 0));
  if (open.length === 0) return;
  const run = vu.random.pick(open);
  vu.state.target = {
    runId: run.runId,
    from: run.from.code,
    to: run.to.code,
  } satisfies WatchTarget;
}

export async function watchChosen(vu: Vu) {
  const target = vu.state.target as WatchTarget | undefined;
  if (target) await vu.watch(target);
}

export async function holdSeats(vu: Vu) {
  const target = vu.state.target as WatchTarget | undefined;
  const map = target && vu.maps.get(target.runId);
  if (!map) return;
  const party = vu.random.int(1, 6);
  for (let attempt = 0; attempt < 3; attempt++) {
    const seats = together(vu, map, party);
    if (seats.length === 0) return;
    const res = await vu.hold(map, seats);
    if (typeof res !== 'string') {
      vu.state.booking = res;
      return;
    }
    if (res !== 'SEAT_TAKEN') return;
    // Someone was quicker: look at the map again (its deltas arrive meanwhile) and pick again.
    await sleep(300);
  }
}

export async function payOrRelease(vu: Vu) {
  const booking = vu.state.booking as BookingView | undefined;
  if (!booking) return;
  if (vu.random.chance(vu.plan.buyers.releaseShare)) {
    await vu.release(booking);
    return;
  }
  const paid = await vu.pay(booking, 3);
  if (paid === 'confirmed') vu.state.confirmed = booking;
  else if (paid === 'declined') await vu.release(booking);
}

export async function maybeCancel(vu: Vu) {
  const booking = vu.state.confirmed as BookingView | undefined;
  if (booking && vu.random.chance(vu.plan.buyers.cancelShare)) await vu.cancel(booking);
}

/** `party` free seats of one class, in one coach when one coach has room for everyone. */
function together(vu: Vu, map: WatchedMap, party: number): number[] {
  const classes = [...map.freeByClass().values()].filter((s) => s.length >= party);
  if (classes.length === 0) return [];
  const free = vu.random.pick(classes);
  const byCoach = new Map<string, SeatMapSeat[]>();
  for (const s of free) byCoach.set(s.coach, [...(byCoach.get(s.coach) ?? []), s]);
  const roomy = [...byCoach.values()].filter((s) => s.length >= party);
  const from = roomy.length > 0 ? vu.random.pick(roomy) : free;
  return vu.random.sample(from, party).map((s) => s.seatId);
}

// --- snipers: many users, the same few hot seats, the same instant --------------------------

export async function watchHot(vu: Vu) {
  const { runId, segments } = vu.plan.snipers;
  const segment = vu.random.pick(segments);
  vu.state.hot = { runId, ...segment } satisfies WatchTarget;
  await vu.watch(vu.state.hot as WatchTarget);
}

/** Waits for the next round's instant: every sniper waiting for it fires at once. */
export async function awaitRound(vu: Vu) {
  const { firstRoundMs, roundEveryMs, hotSeats } = vu.plan.snipers;
  const soon = Date.now() + 300;
  for (let r = 0; r < hotSeats.length; r++) {
    const at = vu.journal.at(firstRoundMs + r * roundEveryMs);
    if (at < soon) continue;
    if (at >= vu.journal.at(vu.plan.timeline.loadEndMs)) return;
    vu.state.round = r;
    await sleep(at - Date.now());
    return;
  }
}

export async function snipe(vu: Vu) {
  const round = vu.state.round as number | undefined;
  const hot = vu.state.hot as WatchTarget | undefined;
  const map = hot && vu.maps.get(hot.runId);
  if (round === undefined || !hot || !map) return;
  const seatId = vu.random.pick(vu.plan.snipers.hotSeats[round]!);
  const res = await vu.hold(map, [seatId]);
  vu.journal.write({
    t: 'contend',
    seatId,
    from: hot.from,
    to: hot.to,
    outcome: typeof res === 'string' ? res : 'WON',
  });
  // A winner pays and keeps the seat (declined twice, it still holds it).
  if (typeof res !== 'string') await vu.pay(res, 2);
}

// --- rush: a tatkal opening ----------------------------------------------------------------

export async function watchRush(vu: Vu) {
  const { targets } = vu.plan.rush;
  await vu.watch(targets[vu.index % targets.length]!);
  const chaos = vu.plan.chaos;
  if (!chaos) return;
  // The chaos run's personas, on timers: the rush step itself waits for the window's end.
  const at = (ms: number) => vu.journal.at(vu.plan.timeline.rushAtMs + ms) - Date.now();
  if (vu.index % chaos.slowEvery === 0)
    setTimeout(() => void vu.stopReading(chaos.slowForMs), at(chaos.slowAtMs));
  if (vu.index % 2 === 1) setTimeout(() => vu.reconnectNow(), at(chaos.stormAtMs));
}

export async function rush(vu: Vu) {
  const { targets } = vu.plan.rush;
  const map = vu.maps.get(targets[vu.index % targets.length]!.runId);
  if (map) await rushFor(vu.plan, vu.journal).join(vu, map);
}
