/** Embedded SQLite: one file in the data dir, WAL mode, foreign keys on. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import type { Database } from './database.ts';
import { rowsAsArraysMark } from './row-arrays.ts';

/** Enough for every distinct query the service runs; bulk statements with varying row counts evict each other. */
const statementCacheSize = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running a small indexed query
 * (a profile of GET /api/me put `prepare` first). This keeps prepared statements by SQL text, least recently used
 * evicted. A statement still being iterated (a streamed query) is busy and cannot run twice, so a busy one is
 * never handed out again: a fresh one is prepared instead. A statement marked `rowsAsArrays` (row-arrays.ts)
 * answers arrays.
 */
export function withStatementCache(native: SQLite.Database, size = statementCacheSize): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => native.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached as unknown as SqliteStatement;
      }
      const statement = native.prepare(sql);
      if (sql.startsWith(rowsAsArraysMark)) statement.raw(true);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value as string);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}

/** The settings every connection to the service's database runs with (also bench/import-floor.ts's own). */
export function configureSqlite(native: SQLite.Database): void {
  native.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
}

export function openSqlite(dataDir: string): { db: Kysely<Database>; file: string } {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'gatehouse.db');
  const native = new SQLite(file);
  configureSqlite(native);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  return { db, file };
}
