/**
 * Deleting an application revokes every grant and token issued to it (issue 25): the artifacts are found by their
 * client, which the account index (account, model, client) cannot serve. The same on both dialects.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('oidc_payloads_client').on('oidc_payloads').columns(['client_id']).execute();
}
