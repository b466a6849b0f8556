/**
 * Both databases: list queries an integration or the console asks of a large directory, each read through an
 * index instead of every user (PostgreSQL at 1,000,000 users, before: a parallel sequential scan each).
 * - By last change (`sort=-updatedAt`), ties by id: how a directory sync asks "who changed lately", page after page
 *   (~550 ms a page before). A sign-in writes last_login_at, not updated_at, so on PostgreSQL sign-in updates stay
 *   HOT (what 0650 and 0700 keep); an edit that touched no indexed column until now (a description) no longer is.
 * - By type (`type=external`) in the default order, newest first: the contractors and partners of a company are few
 *   among its staff, and finding them walked the whole created_at order (0.5-0.75 s when there are none). Like
 *   users_status and users_path, but with the id too, so a cursor page seeks instead of filtering.
 * - PostgreSQL: a folder's sub-folders (`path LIKE 'x/%'`), which users_path cannot serve unless the database's
 *   collation is C; text_pattern_ops compares bytes whatever it is. SQLite reads them as a range of users_path.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX users_updated_sort ON users (updated_at, id)`.execute(db);
  await sql`CREATE INDEX users_type ON users (type, created_at, id)`.execute(db);
  if (dialectOf(db) === 'postgres') {
    await sql`CREATE INDEX users_path_prefix ON users (path text_pattern_ops)`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
