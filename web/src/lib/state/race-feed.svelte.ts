import type { DemoInfo, RaceResult } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import type { Connection } from '../realtime/connection.svelte.ts';

/** How many past races the page keeps. */
export const HISTORY_SIZE = 6;

/**
 * The race demo's room: which run the demo races on, every race anyone starts (the server
 * broadcasts each result to everyone watching), and starting an N-contender race.
 */
export class RaceFeed {
  #info = $state.raw<DemoInfo | null>(null);
  #history = $state.raw<RaceResult[]>([]);
  #error = $state<string | null>(null);
  #startError = $state<string | null>(null);
  #starting = $state(false);
  readonly #off: (() => void)[] = [];

  constructor(private readonly conn: Connection) {
    const onFinished = (result: RaceResult) => this.#add(result);
    conn.socket.on('race:finished', onFinished);
    this.#off.push(
      () => conn.socket.off('race:finished', onFinished),
      // Rooms do not survive a reconnect: join the demo room again.
      conn.onReconnect(() => void this.join()),
    );
  }

  get info(): DemoInfo | null {
    return this.#info;
  }
  /** Newest first. */
  get history(): readonly RaceResult[] {
    return this.#history;
  }
  get latest(): RaceResult | null {
    return this.#history[0] ?? null;
  }
  get error(): string | null {
    return this.#error;
  }
  get startError(): string | null {
    return this.#startError;
  }
  get starting(): boolean {
    return this.#starting;
  }

  /** Joins the demo room; the ack says which run and segment the demo races on. */
  async join(): Promise<void> {
    const ack = await this.conn.ask('race:watch', {});
    if (ack.ok) {
      this.#error = null;
      this.#info = ack.data;
    } else {
      this.#error = describeError(ack.error);
    }
  }

  /** Races `contenders` demo users for one seat; the result also arrives as a broadcast. */
  async start(seatId: number, contenders: number): Promise<void> {
    if (this.#starting) return;
    this.#starting = true;
    this.#startError = null;
    const ack = await this.conn.ask('race:start', { seatId, contenders });
    this.#starting = false;
    if (ack.ok) this.#add(ack.data);
    else this.#startError = describeError(ack.error);
  }

  #add(result: RaceResult) {
    // The starter hears the same race twice (its ack and the broadcast): keep one.
    if (this.#history.some((r) => r.raceId === result.raceId)) return;
    this.#history = [result, ...this.#history].slice(0, HISTORY_SIZE);
  }

  close(): void {
    for (const off of this.#off) off();
  }
}
