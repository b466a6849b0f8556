/** SCIM: the externalId a provisioning client (Okta, Entra ID) keeps for each user and group it manages. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scim_resources')
    // 'User' | 'Group'; resource_id is users.id or groups.id (rows are removed with the resource by the SCIM service).
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    // externalId is caseExact (RFC 7643 §3.1) and not unique: clients may reuse one across tenants.
    .addColumn('external_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('scim_resources_pk', ['resource_type', 'resource_id'])
    .execute();
  await db.schema
    .createIndex('scim_resources_external')
    .on('scim_resources')
    .columns(['resource_type', 'external_id'])
    .execute();
}
