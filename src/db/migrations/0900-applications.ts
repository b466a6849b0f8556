/**
 * The applications (OAuth clients) that sign in through the OpenID Connect provider (issue 25): one row each, the
 * client secret stored as its SHA-256 hash only. The same on both dialects.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The OAuth client_id: random and URL-safe, made by the service, never reused.
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    // Lower-cased name: the same search on both dialects (SQLite's LIKE ignores case, PostgreSQL's does not).
    .addColumn('name_key', 'text', (c) => c.notNull())
    // 'confidential' (authenticates with its secret) or 'public' (no secret, PKCE required).
    .addColumn('type', 'text', (c) => c.notNull())
    // SHA-256 hex of the secret (crypto/tokens.ts hashToken); null for a public client.
    .addColumn('secret_hash', 'text')
    .addColumn('secret_created_at', 'text')
    // JSON arrays of strings.
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    // 1: consent is not asked (api-contract.md, "sign-in and consent").
    .addColumn('first_party', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
