import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';
import { STATIONS, TRAINS, TRAVEL_CLASSES } from './catalog-data.ts';

// Each table is filled by one statement reading a JSON array of rows: one round trip however
// long the list, with the rows as a single bind parameter rather than spliced into the SQL.
// Rows that exist are left untouched, fares an admin changed included. They are filtered out
// before the insert, not only by `on conflict`, because a conflicting insert still draws an id
// from the sequence: a re-seed on every start would otherwise leave ever larger gaps.

/** Stations, classes, trains, their routes and coaches; rows already there are left alone. */
export async function seedCatalog(em: Em): Promise<void> {
  await query(
    em,
    `insert into stations (code, name, city)
     select code, name, city from jsonb_to_recordset(?::jsonb) as s (code text, name text, city text)
      where not exists (select 1 from stations x where x.code = s.code)
     on conflict (code) do nothing`,
    [JSON.stringify(STATIONS)],
  );

  await query(
    em,
    `insert into travel_classes (code, name, base_fare_paise, per_km_paise, sort_order)
     select code, name, "baseFarePaise", "perKmPaise", "sortOrder"
       from jsonb_to_recordset(?::jsonb)
         as c (code text, name text, "baseFarePaise" int, "perKmPaise" int, "sortOrder" int)
     on conflict (code) do nothing`,
    [JSON.stringify(TRAVEL_CLASSES)],
  );

  await query(
    em,
    `insert into trains (number, name)
     select number, name from jsonb_to_recordset(?::jsonb) as t (number text, name text)
      where not exists (select 1 from trains x where x.number = t.number)
     on conflict (number) do nothing`,
    [JSON.stringify(TRAINS.map(({ number, name }) => ({ number, name })))],
  );

  const stops = TRAINS.flatMap((t) => t.stops.map((s, seq) => ({ train: t.number, seq, ...s })));
  // A route is added whole or not at all. No conflict target: a stop clashes on (train, seq) or
  // on (train, station), either means the route is there.
  await query(
    em,
    `insert into train_stops (train_id, seq, station_id, arrival_offset_min, departure_offset_min, km)
     select t.id, s.seq, st.id, s.arrive, s.depart, s.km
       from jsonb_to_recordset(?::jsonb)
         as s (train text, seq int, station text, arrive int, depart int, km int)
       join trains t on t.number = s.train
       join stations st on st.code = s.station
      where not exists (select 1 from train_stops x where x.train_id = t.id)
      order by t.id, s.seq
     on conflict do nothing`,
    [JSON.stringify(stops)],
  );

  const coaches = TRAINS.flatMap((t) =>
    t.coaches.map((c, i) => ({
      train: t.number,
      code: c.code,
      classCode: c.classCode,
      layout: c.layout,
      position: i + 1,
    })),
  );
  await query(
    em,
    `insert into coaches (train_id, code, class_code, layout, position)
     select t.id, c.code, c."classCode", c.layout, c.position
       from jsonb_to_recordset(?::jsonb)
         as c (train text, code text, "classCode" text, layout text, position int)
       join trains t on t.number = c.train
      where not exists (select 1 from coaches x where x.train_id = t.id and x.code = c.code)
      order by t.id, c.position
     on conflict (train_id, code) do nothing`,
    [JSON.stringify(coaches)],
  );
}
