import { hasLeft } from '@berth/shared';
import { clockOffsetMs } from './clock.ts';

/**
 * The server's clock as this tab best knows it. The client's own clock may be minutes off, so
 * every `serverNow` an answer carries (snapshots, holds) teaches the offset, and the time ticks
 * while a page is open: a train shown as bookable turns "Departed" the moment it leaves, by the
 * server's clock, without a reload.
 */
export class ServerClock {
  #offset = $state(0);
  #clientNow = $state(0);

  constructor(
    private readonly clientNow: () => number = Date.now,
    tickMs = 5000,
  ) {
    this.#clientNow = clientNow();
    if (typeof window !== 'undefined') setInterval(() => (this.#clientNow = clientNow()), tickMs);
  }

  /** Learns the offset from a server time that arrived `receivedAt` (client clock). */
  learn(serverNowIso: string, receivedAt = this.clientNow()): void {
    this.#offset = clockOffsetMs(serverNowIso, receivedAt);
    this.#clientNow = receivedAt;
  }

  /** Now on the server's clock (ms); reading it re-renders as the clock ticks. */
  get now(): number {
    return this.#clientNow + this.#offset;
  }

  /** Whether a train that leaves at `departsAt` has left, by the server's clock. */
  hasLeft(departsAt: string): boolean {
    return hasLeft(departsAt, this.now);
  }
}

/** The app's one server clock. */
export const serverClock = new ServerClock();
