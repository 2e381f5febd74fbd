import type { AdminStats, RunOccupancy } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import { pollWhileVisible } from './admin-poll.ts';
import type { Session } from './session.svelte.ts';

/** How often the overview refreshes on its own. */
export const OVERVIEW_REFRESH_MS = 5_000;

/** The operator's overview: headline figures and occupancy per run, refreshed every few seconds. */
export class AdminOverview {
  #stats = $state<AdminStats | null>(null);
  #occupancy = $state<RunOccupancy[] | null>(null);
  #error = $state<string | null>(null);
  #updatedAt = $state<Date | null>(null);
  #refreshing = $state(false);

  constructor(private readonly session: Session) {}

  get stats(): AdminStats | null {
    return this.#stats;
  }
  get occupancy(): RunOccupancy[] | null {
    return this.#occupancy;
  }
  get error(): string | null {
    return this.#error;
  }
  get updatedAt(): Date | null {
    return this.#updatedAt;
  }
  get refreshing(): boolean {
    return this.#refreshing;
  }

  /** Refreshes now and every few seconds while the page is visible, until stopped. */
  start(): () => void {
    return pollWhileVisible(() => this.refresh(), OVERVIEW_REFRESH_MS);
  }

  async refresh(): Promise<void> {
    this.#refreshing = true;
    const [stats, occupancy] = await Promise.all([
      this.session.api('adminStats'),
      this.session.api('adminOccupancy'),
    ]);
    this.#refreshing = false;
    // Keep the last good figures on a failed refresh: a blip should not blank the dashboard.
    if (stats.ok) this.#stats = stats.data;
    if (occupancy.ok) this.#occupancy = occupancy.data;
    const failed = !stats.ok ? stats.error : !occupancy.ok ? occupancy.error : null;
    this.#error = failed ? describeError(failed) : null;
    if (!failed) this.#updatedAt = new Date();
  }
}
