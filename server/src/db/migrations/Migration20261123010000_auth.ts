import { Migration } from '@mikro-orm/migrations';

/** Rotating refresh tokens (stored only as hashes) and secrets shared by every node. */
export class Migration20261123010000_auth extends Migration {
  override up(): void {
    // One row per issued refresh token; a family is one sign-in and every rotation of it.
    this.addSql(`
      create table refresh_tokens (
        id uuid primary key default gen_random_uuid(),
        user_id bigint not null references users (id),
        family_id uuid not null,
        -- sha-256 hex of the opaque token: a leaked table gives no usable token.
        token_hash text not null unique,
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        used_at timestamptz,
        revoked_at timestamptz
      );`);
    // Revoking a family and the access token's "is my family revoked?" check both start here.
    this.addSql(`create index refresh_tokens_family_idx on refresh_tokens (family_id);`);

    // Generated on first use by whichever node gets there first, so a cluster needs no config.
    this.addSql(`
      create table server_secrets (
        name text primary key,
        value text not null,
        created_at timestamptz not null default now()
      );`);
  }
}
