/**
 * Both databases: an index for listing users by last change (`sort=-updatedAt`), as the list sorts them (the column
 * is never null; ties by id). It is how a directory sync asks "who changed lately", page after page; without it
 * every such page read and sorted every user (PostgreSQL at 1,000,000 users: ~550 ms, a parallel sequential scan).
 * Its cost falls on edits only: a sign-in writes last_login_at, not updated_at, so on PostgreSQL sign-in updates
 * stay HOT (what 0650 and 0700 keep); an edit that touched no indexed column until now (a description, say) no
 * longer is.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX users_updated_sort ON users (updated_at, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
