/**
 * PostgreSQL: the search text (and the creation time) in a narrow table of its own, one row per user, with the two
 * trigram indexes moved onto it. A search re-checks each candidate against the text on its heap page, and counting a dense term reads
 * 10,001 matches: users rows hold ~450 bytes (18 a page), these ~140 (55 a page), so the same re-check reads a third
 * of the pages and the bitmap of candidates spans a third of the blocks. Counting the matches of `engin` (125,000
 * users) at 1,000,000 users: 37 ms → 15 ms; of `ann` 29 → 10 ms; the first 2,001 candidates of a term 2× faster.
 * users.search_text stays (the row-by-row test of a broad search reads it, and SQLite's FTS5 table is built on
 * it); triggers keep this copy in step, by statement for inserts (an import inserts hundreds at once) and by row for
 * a changed text; a deleted user's row goes by cascade. SQLite's FTS5 index (0002) is already a table apart.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  // Held until this migration commits: an insert running meanwhile would otherwise land between the copy below and
  // the trigger, and that user would be missing from every search for good (as in 0700).
  await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(db);
  // created_at too (it never changes): a search in the list's default order sorts its matches here (users.store.ts).
  await sql`CREATE TABLE user_search (
      user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      created_at text NOT NULL,
      search_text text NOT NULL)`.execute(db);
  await sql`INSERT INTO user_search (user_id, created_at, search_text) SELECT id, created_at, search_text FROM users`.execute(
    db,
  );
  await sql`CREATE INDEX user_search_trgm ON user_search USING gin (search_text gin_trgm_ops)`.execute(db);
  // The same mapping of marks to letters as 0550 (features/users/users.search.ts holds it too).
  await sql`CREATE INDEX user_search_marks_trgm ON user_search
    USING gin (translate(search_text, '.@_-+''', 'ꜳꜵꜷꜹꜻꜽ') gin_trgm_ops)`.execute(db);
  await sql`DROP INDEX users_search_trgm`.execute(db);
  await sql`DROP INDEX users_search_marks_trgm`.execute(db);
  await sql`CREATE FUNCTION users_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO user_search (user_id, created_at, search_text) SELECT id, created_at, search_text FROM added;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER users_search_insert AFTER INSERT ON users
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION users_search_added()`.execute(db);
  await sql`CREATE FUNCTION users_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- An upsert, so a user whose row went missing (a load that skipped triggers) is back at its next change.
      INSERT INTO user_search (user_id, created_at, search_text) VALUES (NEW.id, NEW.created_at, NEW.search_text)
        ON CONFLICT (user_id) DO UPDATE SET search_text = EXCLUDED.search_text;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER users_search_update AFTER UPDATE OF search_text ON users
      FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
      EXECUTE FUNCTION users_search_changed()`.execute(db);
  // Statistics for the new table and both index expressions (0550: without them the planner misjudges a term).
  await sql`ANALYZE user_search`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
