/**
 * The OpenID Connect provider's storage (docs/decisions/0380): one table for every artifact oidc-provider keeps
 * (sessions, interactions, grants, codes, tokens…), and its signing keys. The same on both dialects.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    // oidc-provider's model name ('AuthorizationCode', 'RefreshToken', 'Grant', 'Session', …): ids are unique
    // within a model, and every lookup names its model.
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    // The provider's payload as JSON text, read back as it was given.
    .addColumn('payload', 'text', (c) => c.notNull())
    // Copied out of the payload so they can be searched: revoke by grant, a session by uid, a device code by its
    // user code, a user's grants and refresh tokens by account and client.
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('account_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('consumed_at', 'text')
    // Null for artifacts without a lifetime (none of the models this service enables, but the adapter allows it).
    .addColumn('expires_at', 'text')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').columns(['grant_id', 'model']).execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['uid', 'model']).execute();
  await db.schema.createIndex('oidc_payloads_user_code').on('oidc_payloads').columns(['user_code', 'model']).execute();
  // "the user's connected apps" and "the user's refresh tokens": by account, then model, then application.
  await db.schema
    .createIndex('oidc_payloads_account')
    .on('oidc_payloads')
    .columns(['account_id', 'model', 'client_id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_expiry').on('oidc_payloads').column('expires_at').execute();

  await db.schema
    .createTable('oidc_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    // Keys are made in generations, one key per algorithm; the highest generation signs.
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    // The private JWK, AES-256-GCM under a subkey of the service's secret key (crypto/encryption.ts).
    .addColumn('sealed_private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Set when a newer generation takes over: the key stays published until then, for the tokens it signed.
    .addColumn('published_until', 'text')
    // Two nodes making the first (or the next) generation at once: the second's rows conflict and are dropped.
    .addUniqueConstraint('oidc_keys_generation_alg', ['generation', 'alg'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
