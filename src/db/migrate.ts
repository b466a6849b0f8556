/** Runs pending migrations (db/migrations/index.ts lists them; applied in name order). */
import { type Kysely, Migrator } from 'kysely';
import { migrations } from './migrations/index.ts';

export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Features own numbered ranges (0100 access, 0200 lifecycle, 0300 MFA, …) and land in any order.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
