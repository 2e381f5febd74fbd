import { Connection } from '../realtime/connection.svelte.ts';

/** What a kiosk page puts on `window` (see KioskScreen). */
export interface KioskDebugHook {
  /** Drops the kiosk's socket; it reconnects and re-snapshots by itself. */
  cut(): void;
  status(): string;
}

declare global {
  interface Window {
    __berthKiosk?: KioskDebugHook;
  }
}

/**
 * What every kiosk page has: one anonymous socket of its own (closed with the page) and a clock
 * that ticks once a second.
 *
 * The socket is also reachable as `window.__berthKiosk`, always, not only in tests: a kiosk runs
 * unattended on a wall, and the one way to prove on site that it recovers from a network drop
 * (re-snapshotting every seat map and reloading the board) is to cut its socket from the browser
 * console and watch it come back. The hook gives no access beyond what the anonymous page has.
 */
export class KioskScreen {
  readonly conn = new Connection();
  #now = $state(Date.now());
  readonly #tick: ReturnType<typeof setInterval>;
  readonly #hook: KioskDebugHook = { cut: () => this.conn.cut(), status: () => this.conn.status };

  constructor() {
    this.#tick = setInterval(() => (this.#now = Date.now()), 1000);
    window.__berthKiosk = this.#hook;
  }

  /** The time now (ms), updated every second: read it to re-render with the clock. */
  get now(): number {
    return this.#now;
  }

  /** True once the socket has been lost after connecting: shown as a banner. */
  get interrupted(): boolean {
    return this.conn.status === 'reconnecting' || this.conn.status === 'offline';
  }

  close(): void {
    clearInterval(this.#tick);
    this.conn.close();
    if (window.__berthKiosk === this.#hook) delete window.__berthKiosk;
  }
}
