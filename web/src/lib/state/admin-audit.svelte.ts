import type { AuditEntry } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import type { Session } from './session.svelte.ts';

export interface AuditFilters {
  action: string;
  actor: string;
  bookingId: string;
  limit: number;
}

export const PAGE_SIZES = [10, 25, 50, 100] as const;

/**
 * The audit trail, newest first, one page at a time. Pages are keyed by cursor (an id), so
 * entries appended meanwhile never shift a page; going back to newer pages replays the cursors
 * seen on the way down.
 */
export class AuditTrail {
  #entries = $state<AuditEntry[]>([]);
  #nextCursor = $state<number | null>(null);
  /** Cursors of the pages above the current one (undefined = the newest page). */
  #above = $state<(number | undefined)[]>([]);
  #cursor: number | undefined = undefined;
  #loading = $state(false);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #filters = $state<Readonly<AuditFilters>>({ action: '', actor: '', bookingId: '', limit: 25 });

  constructor(private readonly session: Session) {}

  get entries(): AuditEntry[] {
    return this.#entries;
  }
  get hasOlder(): boolean {
    return this.#nextCursor !== null;
  }
  get hasNewer(): boolean {
    return this.#above.length > 0;
  }
  /** 1 for the newest page. */
  get pageNumber(): number {
    return this.#above.length + 1;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  /** Replaced (never mutated) by `search`, so a view can key on its identity. */
  get filters(): Readonly<AuditFilters> {
    return this.#filters;
  }

  /** Applies filters and shows the newest page that matches them. */
  search(filters: AuditFilters): Promise<void> {
    this.#filters = { ...filters };
    this.#above = [];
    return this.#show(undefined);
  }

  /** Shows the newest page again with the current filters. */
  newest(): Promise<void> {
    this.#above = [];
    return this.#show(undefined);
  }

  older(): Promise<void> {
    if (this.#nextCursor === null) return Promise.resolve();
    this.#above = [...this.#above, this.#cursor];
    return this.#show(this.#nextCursor);
  }

  newer(): Promise<void> {
    const cursor = this.#above.at(-1);
    this.#above = this.#above.slice(0, -1);
    return this.#show(cursor);
  }

  async #show(cursor: number | undefined): Promise<void> {
    this.#loading = true;
    const ack = await this.session.api('adminAudit', { query: this.#query(cursor) });
    this.#loading = false;
    this.#loaded = true;
    if (ack.ok) {
      this.#cursor = cursor;
      this.#entries = ack.data.entries;
      this.#nextCursor = ack.data.nextCursor;
      this.#error = null;
    } else {
      this.#error = describeError(ack.error);
    }
  }

  /** The filters as the route's query; empty ones are left out. */
  #query(cursor: number | undefined) {
    const bookingId = this.#filters.bookingId.trim();
    return {
      limit: this.#filters.limit,
      cursor,
      action: this.#filters.action.trim().toUpperCase() || undefined,
      actor: this.#filters.actor.trim() || undefined,
      // Not a number: sent as it is, so the server's VALIDATION says what is wrong.
      bookingId: bookingId ? Number(bookingId) : undefined,
    };
  }
}

/**
 * A one-line account of what changed: `status held → confirmed` for the keys that differ, or the
 * whole value when one side is empty. The full JSON stays available on demand.
 */
export function compactChange(before: unknown, after: unknown): string {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return 'no change';
    return changed.map((k) => `${k} ${show(before[k])} → ${show(after[k])}`).join(', ');
  }
  if (before == null && isRecord(after)) return describe(after);
  if (isRecord(before) && after == null) return `was ${describe(before)}`;
  return `${show(before)} → ${show(after)}`;
}

function describe(r: Record<string, unknown>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k} ${show(v)}`)
    .join(', ');
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
