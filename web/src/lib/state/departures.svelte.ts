import { availabilityLabel, type SearchResult } from '@berth/shared';
import { callApi } from '../api/http.ts';
import { describeError } from '../format/errors.ts';
import { todayInIndia } from '../format/format.ts';
import type { Connection } from '../realtime/connection.svelte.ts';
import { RunWatch } from '../realtime/run-watch.svelte.ts';

const DAY_MS = 86_400_000;

export interface ClassFree {
  classCode: string;
  free: number;
  capacity: number;
  /** What a full class still sells (`RAC 3`, `WL 7`, `REGRET`), as of the last load. */
  label: string;
}

export interface Departure {
  result: SearchResult;
  /** Live seats of the run from this station to its terminus. */
  watch: RunWatch;
}

export interface BoardOptions {
  /** Service dates to list, starting today (a board should not run empty late at night). */
  days?: number;
  /** Rows on the board. */
  limit?: number;
  /** How often the list itself is reloaded (new runs, departed ones dropped). */
  refreshMs?: number;
  /** A train stays on the board this long after it left. */
  graceMs?: number;
  now?: () => number;
}

/**
 * A station's departures board: the next departures from GET /api/stations/:code/departures,
 * each with a live watch of its run (from this station to the terminus) whose seat map gives the
 * free seats per class. The list is reloaded every few minutes and after every reconnect; the
 * watches re-snapshot by themselves.
 */
export class DeparturesBoard {
  #departures = $state.raw<Departure[]>([]);
  #stationName = $state<string | null>(null);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #loadedAt = $state<number | null>(null);
  readonly #watches = new Map<number, RunWatch>();
  readonly #off: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(
    private readonly conn: Connection,
    readonly station: string,
    private readonly opts: BoardOptions = {},
  ) {}

  get departures(): readonly Departure[] {
    return this.#departures;
  }
  get stationName(): string | null {
    return this.#stationName;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  /** When the list was last loaded (ms). */
  get loadedAt(): number | null {
    return this.#loadedAt;
  }

  /** Every class on the board, in the order trains list them (the board's columns). */
  get classCodes(): string[] {
    const codes: string[] = [];
    for (const d of this.#departures)
      for (const c of d.result.classes) if (!codes.includes(c.classCode)) codes.push(c.classCode);
    return codes;
  }

  start(): void {
    void this.load();
    void this.#loadName();
    this.#timer = setInterval(() => void this.load(), this.opts.refreshMs ?? 180_000);
    this.#off.push(this.conn.onReconnect(() => void this.load()));
  }

  /** Free seats per class: live from the seat map once it is in, the list's figures until then. */
  freeByClass(d: Departure): Map<string, ClassFree> {
    const live = d.watch.map.ready ? d.watch.map.counts : null;
    return new Map(
      d.result.classes.map((c) => {
        const now = live?.find((k) => k.classCode === c.classCode);
        const free = now?.free ?? c.free;
        return [
          c.classCode,
          {
            classCode: c.classCode,
            free,
            capacity: now?.capacity ?? c.capacity,
            label: availabilityLabel({ ...c, free }),
          },
        ];
      }),
    );
  }

  /** Loads the next departures and starts (or stops) watching their runs to match. */
  async load(): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    const days = this.opts.days ?? 3;
    const dates = Array.from({ length: days }, (_, i) => todayInIndia(new Date(now + i * DAY_MS)));
    const acks = await Promise.all(
      dates.map((date) =>
        callApi('departures', null, { params: { code: this.station }, query: { date } }),
      ),
    );
    if (this.#closed) return;
    const failed = acks.find((a) => !a.ok);
    if (failed && !failed.ok) {
      this.#error = describeError(failed.error);
      // Keep showing the last good list: stale counts beat an empty board.
      return;
    }
    this.#error = null;
    const cutoff = now - (this.opts.graceMs ?? 2 * 60_000);
    const results = acks
      .flatMap((a) => (a.ok ? a.data : []))
      .filter((r) => Date.parse(r.from.departsAt) >= cutoff)
      .sort((a, b) => Date.parse(a.from.departsAt) - Date.parse(b.from.departsAt))
      .slice(0, this.opts.limit ?? 8);
    this.#departures = results.map((result) => ({ result, watch: this.#watch(result) }));
    for (const [runId, watch] of this.#watches) {
      if (results.some((r) => r.runId === runId)) continue;
      watch.close();
      this.#watches.delete(runId);
    }
    if (results[0]) this.#stationName = results[0].from.name;
    this.#loaded = true;
    this.#loadedAt = now;
  }

  #watch(r: SearchResult): RunWatch {
    let watch = this.#watches.get(r.runId);
    if (!watch) {
      watch = new RunWatch(this.conn, r.runId, r.from.code, r.to.code);
      this.#watches.set(r.runId, watch);
    }
    return watch;
  }

  /** The station's name even when no train leaves it today. */
  async #loadName(): Promise<void> {
    const ack = await callApi('stations', null, { query: { prefix: this.station } });
    const match = ack.ok ? ack.data.find((s) => s.code === this.station) : undefined;
    if (match && !this.#closed) this.#stationName = match.name;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const off of this.#off) off();
    for (const watch of this.#watches.values()) watch.close();
    this.#watches.clear();
  }
}
