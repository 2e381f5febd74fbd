import { todayInIndia } from '$lib/format/format.ts';

export interface Query {
  from: string;
  to: string;
  date: string;
}

/** What a newcomer sees first: the catalog's longest corridor, which always has trains. */
export const DEFAULT_QUERY = { from: 'NDLS', to: 'BCT' } as const;

/**
 * The search kept in the URL (so reload and back work), with defaults for what is missing: the
 * date defaults to `today` (the server's, once its calendar is known).
 */
export function queryFromUrl(url: URL, today = todayInIndia()): Query {
  const p = url.searchParams;
  const date = p.get('date') ?? '';
  return {
    from: (p.get('from') ?? DEFAULT_QUERY.from).toUpperCase(),
    to: (p.get('to') ?? DEFAULT_QUERY.to).toUpperCase(),
    date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : today,
  };
}

export function searchHref(q: Query): string {
  return `/?${new URLSearchParams({ from: q.from, to: q.to, date: q.date }).toString()}`;
}

/** The seat map of one result, for one class. */
export function seatMapHref(runId: number, q: Query, classCode?: string): string {
  const p = new URLSearchParams({ from: q.from, to: q.to, date: q.date });
  if (classCode) p.set('class', classCode);
  return `/runs/${runId}?${p.toString()}`;
}
