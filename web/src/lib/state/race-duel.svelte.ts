import type { DemoInfo, SeatMapSeat } from '@berth/shared';
import type { Connection } from '../realtime/connection.svelte.ts';
import { RunWatch } from '../realtime/run-watch.svelte.ts';
import { RaceSide, type SideOutcome } from './race-side.svelte.ts';

/** The picker's value meaning "any free seat, chosen when the round starts". */
export const ANY_SEAT = 0;

export interface DuelVerdict {
  seatId: number;
  winner: RaceSide | null;
  loser: RaceSide | null;
  /** Whose request left first this round (drawn at random on every click). */
  first: RaceSide;
}

/**
 * The split screen: two demo users on their own sockets, one seat of the demo run, and a button
 * that sends both holds in the same tick. The viewer's own socket watches the run too, for the
 * seat picker.
 */
export class RaceDuel {
  readonly left: RaceSide;
  readonly right: RaceSide;
  /** The viewer's view of the demo run (their own socket): which seats are free to pick. */
  readonly watch: RunWatch;
  #seatId = $state(ANY_SEAT);
  #round = $state(0);
  #running = $state(false);
  #verdict = $state.raw<DuelVerdict | null>(null);
  #notice = $state<string | null>(null);
  #target = $state<number | null>(null);

  constructor(
    readonly info: DemoInfo,
    conn: Connection,
    contenders: [number, number] = [1, 2],
  ) {
    this.left = new RaceSide(contenders[0], info);
    this.right = new RaceSide(contenders[1], info);
    this.watch = new RunWatch(conn, info.runId, info.from, info.to);
  }

  async start(): Promise<void> {
    await Promise.all([this.left.start(), this.right.start()]);
  }

  get sides(): [RaceSide, RaceSide] {
    return [this.left, this.right];
  }
  get ready(): boolean {
    return this.left.ready && this.right.ready && this.watch.map.ready;
  }
  get running(): boolean {
    return this.#running;
  }
  get round(): number {
    return this.#round;
  }
  get verdict(): DuelVerdict | null {
    return this.#verdict;
  }
  /** The seat the last round raced for. */
  get target(): number | null {
    return this.#target;
  }
  /** Why a round could not start, in plain words. */
  get notice(): string | null {
    return this.#notice;
  }

  get seatId(): number {
    return this.#seatId;
  }
  set seatId(id: number) {
    this.#seatId = id;
  }

  /** Seats a round can use: free ones, and the ones our own two sides hold (freed first). */
  get pickable(): SeatMapSeat[] {
    const ours = new Set([...this.left.heldSeatIds, ...this.right.heldSeatIds]);
    return this.watch.map.seats.filter((s) => s.state === 'free' || ours.has(s.seatId));
  }

  /** The chosen seat, or for "any free seat" a random free one (null when none is free). */
  pickSeat(): number | null {
    if (this.#seatId !== ANY_SEAT) return this.#seatId;
    // Random, so two people trying the demo at once rarely pick the same seat.
    const free = this.watch.map.seats.filter((s) => s.state === 'free');
    return free[Math.floor(Math.random() * free.length)]?.seatId ?? null;
  }

  /** One side books alone (the other keeps its last verdict). */
  async bookOne(side: RaceSide): Promise<void> {
    const seatId = await this.#prepare([side]);
    if (seatId === null) return;
    await side.fire(seatId);
    this.#running = false;
  }

  /**
   * Both sides send their hold in the same instant; the seat row's lock picks one. One of the two
   * emits still leaves a moment before the other, so which one goes first is drawn at random on
   * every click (always left first, left would win most duels) and said with the verdict.
   */
  async bothAtOnce(random: () => number = Math.random): Promise<void> {
    const seatId = await this.#prepare([this.left, this.right]);
    if (seatId === null) return;
    const [first, second] = random() < 0.5 ? [this.left, this.right] : [this.right, this.left];
    // No await between the two emits: both holds leave in the same tick.
    const a = first.fire(seatId);
    const b = second.fire(seatId);
    const [firstOutcome, secondOutcome] = await Promise.all([a, b]);
    this.#verdict = judge(seatId, first, [first, firstOutcome], [second, secondOutcome]);
    this.#running = false;
  }

  /** Frees the previous round's holds and settles on the seat to race for. */
  async #prepare(sides: RaceSide[]): Promise<number | null> {
    if (this.#running) return null;
    this.#running = true;
    this.#round += 1;
    this.#verdict = null;
    this.#notice = null;
    for (const side of sides) side.clearOutcome();
    await Promise.all([this.left.releaseAll(), this.right.releaseAll()]);
    const seatId = this.pickSeat();
    if (seatId === null) {
      this.#notice = 'Every seat of the demo train is taken right now. Try again in a moment.';
      this.#running = false;
      return null;
    }
    return (this.#target = seatId);
  }

  close(): void {
    this.left.close();
    this.right.close();
    this.watch.close();
  }
}

function judge(
  seatId: number,
  first: RaceSide,
  ...sides: [RaceSide, SideOutcome | null][]
): DuelVerdict {
  const winner = sides.find(([, o]) => o?.kind === 'won')?.[0] ?? null;
  const loser = sides.find(([, o]) => o?.kind === 'lost')?.[0] ?? null;
  return { seatId, winner, loser, first };
}
