import { hash } from '@node-rs/argon2';
import type { Em } from '../../common/sql.ts';
import { query } from '../../common/sql.ts';

export interface DemoUser {
  email: string;
  name: string;
  password: string;
  role: 'user' | 'admin';
}

/** Sign-in details of the seeded accounts, for the README, the demo and the tests. */
export const DEMO_USERS = {
  admin: { email: 'admin@berth.dev', name: 'Admin', password: 'admin-berth-2026', role: 'admin' },
  alice: { email: 'alice@berth.dev', name: 'Alice', password: 'alice-berth-2026', role: 'user' },
  bob: { email: 'bob@berth.dev', name: 'Bob', password: 'bob-berth-2026', role: 'user' },
} as const satisfies Record<string, DemoUser>;

/**
 * Creates the demo accounts that are missing. An existing account keeps its password hash:
 * re-seeding must not undo a password change, and hashing is the slow part of seeding.
 */
export async function seedUsers(em: Em): Promise<void> {
  const users: DemoUser[] = Object.values(DEMO_USERS);
  const existing = await query<{ email: string }>(
    em,
    `select email from users where email = any(?)`,
    [users.map((u) => u.email)],
  );
  const have = new Set(existing.map((r) => r.email));
  const missing = users.filter((u) => !have.has(u.email));
  if (missing.length === 0) return;

  const rows = await Promise.all(
    missing.map(async ({ email, name, password, role }) => ({
      email,
      name,
      role,
      passwordHash: await hash(password),
    })),
  );
  await query(
    em,
    `insert into users (email, name, password_hash, role)
     select email, name, "passwordHash", role
       from jsonb_to_recordset(?::jsonb) as u (email text, name text, "passwordHash" text, role text)
     on conflict (email) do nothing`,
    [JSON.stringify(rows)],
  );
}
