/**
 * SQLite: an index for listing users by last sign-in (the console's "Recently signed in"), as the list sorts them
 * (never signed in as '', ties by id). Without it the first page sorted every user: 1.5 s at 1,000,000 users.
 * It costs each sign-in one more index update (~18 µs at 1,000,000 users, measured with random accounts).
 * Not on PostgreSQL: there an index on last_login_at would make every sign-in's row update a non-HOT one (today
 * 96% of them are HOT), which writes new entries into every index of users, the two trigram indexes included;
 * 0700 keeps that order in a table of its own instead.
 * Sorting by last change (updated_at) stays unindexed on both: the console does not offer it.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await sql`CREATE INDEX users_last_login_sort ON users ((COALESCE(last_login_at, '')), id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
