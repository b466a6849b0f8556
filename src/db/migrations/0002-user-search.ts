/**
 * Trigram search over users.search_text, so `q` stays fast at 1,000,000 users:
 * SQLite FTS5 with the trigram tokenizer (an external-content index kept by triggers), PostgreSQL pg_trgm.
 */
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await sql`CREATE VIRTUAL TABLE users_fts USING fts5(search_text, content='users', content_rowid='rowid', tokenize='trigram')`.execute(
      db,
    );
    await sql`CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
      INSERT INTO users_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END`.execute(db);
    await sql`CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
      INSERT INTO users_fts(users_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER users_fts_update AFTER UPDATE OF search_text ON users BEGIN
      INSERT INTO users_fts(users_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
      INSERT INTO users_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END`.execute(db);
  } else {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX users_search_trgm ON users USING gin (search_text gin_trgm_ops)`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
