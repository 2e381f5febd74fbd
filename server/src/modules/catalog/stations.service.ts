import { stationPrefixSchema, type StationView } from '@berth/shared';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';

/** Stations whose code, name or city starts with `prefix` (all when empty), for autocomplete. */
export async function stationsByPrefix(ctx: EngineContext, input: unknown): Promise<StationView[]> {
  const prefix = parse(stationPrefixSchema, input ?? '');
  const like = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return query<StationView>(
    ctx.em(),
    `select code, name, city from stations
      where code ilike ? or name ilike ? or city ilike ?
      order by (code ilike ?) desc, name limit 20`,
    [like, like, like, like],
  );
}
