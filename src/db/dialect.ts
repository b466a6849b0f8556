/** The few places where SQLite and PostgreSQL differ, in one helper. */
import { type Kysely, SqliteAdapter } from 'kysely';
import type { Dialect } from './database.ts';

export function dialectOf(db: Kysely<unknown>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

/** True when an error is a unique-constraint violation; `column` narrows it to one index or column name. */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: string; message?: string; constraint?: string; detail?: string };
  const unique =
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505';
  if (!unique || column === undefined) return unique;
  return [e.message, e.constraint, e.detail].some((s) => s?.includes(column));
}

/** Escapes LIKE wildcards; use with `ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
