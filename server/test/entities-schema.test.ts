import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../src/db/orm.ts';
import { createTestDb, type TestDb } from './support/harness.ts';

/** PostgreSQL's name (`udt_name`) for the column types the entities declare. */
function udtOf(columnType: string): string {
  const t = columnType
    .toLowerCase()
    .replace(/\(.*\)$/, '')
    .trim();
  const names: Record<string, string> = {
    bigint: 'int8',
    int: 'int4',
    integer: 'int4',
    smallint: 'int2',
    text: 'text',
    varchar: 'varchar',
    'character varying': 'varchar',
    character: 'bpchar',
    char: 'bpchar',
    timestamptz: 'timestamptz',
    'timestamp with time zone': 'timestamptz',
    date: 'date',
    boolean: 'bool',
    jsonb: 'jsonb',
    json: 'json',
    double: 'float8',
    'double precision': 'float8',
    real: 'float4',
    numeric: 'numeric',
    uuid: 'uuid',
  };
  return names[t] ?? t;
}

/**
 * The MikroORM entities (read by the cold paths: auth, admin, lists) describe the database the
 * hand-written migrations build: every persisted property's column exists, with a compatible
 * type and the same nullability. A full schema diff would be noise around the GiST exclusion,
 * the ranges and the triggers the migrations add on purpose.
 */
describe('the entities and the migrated schema', () => {
  let db: TestDb;
  let orm: Awaited<ReturnType<typeof createOrm>>;
  beforeAll(async () => {
    db = await createTestDb();
    orm = await createOrm({ url: db.url, poolMax: 2 });
  });
  afterAll(async () => {
    await orm.close(true);
    await db.close();
  });

  it('every entity property has its column, of a compatible type and nullability', async () => {
    const { rows } = await db.pool.query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      is_nullable: 'YES' | 'NO';
    }>(
      `select table_name, column_name, udt_name, is_nullable from information_schema.columns
        where table_schema = 'public'`,
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const problems: string[] = [];
    const metas: EntityMetadata[] = Object.values(orm.getMetadata().getAll());
    expect(metas.length).toBeGreaterThan(10);
    let checked = 0;
    for (const meta of metas) {
      for (const prop of meta.props) {
        if (prop.persist === false || !prop.fieldNames?.length) continue;
        if (prop.kind === ReferenceKind.ONE_TO_MANY || prop.kind === ReferenceKind.MANY_TO_MANY)
          continue;
        prop.fieldNames.forEach((field, i) => {
          const where = `${meta.className}.${prop.name} (${meta.tableName}.${field})`;
          const column = columns.get(`${meta.tableName}.${field}`);
          checked++;
          if (!column) return void problems.push(`${where}: no such column`);
          const declared = prop.columnTypes?.[i];
          if (declared && udtOf(declared) !== column.udt_name) {
            problems.push(`${where}: declared ${declared}, the column is ${column.udt_name}`);
          }
          const nullable = column.is_nullable === 'YES';
          if (!!prop.nullable !== nullable && !prop.primary) {
            problems.push(
              `${where}: ${prop.nullable ? 'nullable' : 'required'} in the entity, ${nullable ? 'nullable' : 'not null'} in the database`,
            );
          }
        });
      }
    }
    expect(checked).toBeGreaterThan(80);
    expect(problems).toEqual([]);
  });
});
