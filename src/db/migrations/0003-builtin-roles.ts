/** Seeds the built-in roles: Admin holds every permission (resolved at run time), User none of the admin ones. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const at = new Date().toISOString();
  await (db as Kysely<{ roles: Record<string, unknown> }>)
    .insertInto('roles')
    .values([
      {
        id: 'role-admin',
        name: 'Admin',
        name_key: 'admin',
        description: 'Every permission',
        permissions: '["*"]',
        built_in: 1,
        created_at: at,
      },
      {
        id: 'role-user',
        name: 'User',
        name_key: 'user',
        description: 'Self-service only',
        permissions: '[]',
        built_in: 1,
        created_at: at,
      },
    ])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
