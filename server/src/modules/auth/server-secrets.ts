import { randomBytes } from 'node:crypto';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

const read = async (em: Em, name: string) =>
  (await query<{ value: string }>(em, `select value from server_secrets where name = ?`, [name]))[0]
    ?.value;

/**
 * The secret called `name`, created (32 random bytes, base64url) by whichever node asks first.
 * Racing nodes all insert with `on conflict do nothing` and then read back the one that won, so
 * every node of a cluster ends up with the same value without configuration.
 */
export async function sharedSecret(em: Em, name: string): Promise<string> {
  const existing = await read(em, name);
  if (existing !== undefined) return existing;
  await query(em, `insert into server_secrets (name, value) values (?, ?) on conflict do nothing`, [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  const value = await read(em, name);
  if (value === undefined) throw new Error(`server secret '${name}' is missing after insert`);
  return value;
}
