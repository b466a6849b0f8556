/**
 * Rows as arrays, for bulk reads. better-sqlite3 builds an object per row through V8's slow path, property by
 * property; at twelve columns that cost as much as SQLite's reading the rows (1,000,000 users' export pages: 5.3 s
 * as objects, 2.7 s as arrays). A query whose text begins with `rowsAsArrays` answers arrays on SQLite (the
 * statement cache in sqlite.ts puts such a statement in raw mode when it prepares it). PostgreSQL ignores the
 * comment and answers objects, so callers read each row through `rowValues`. It still runs through Kysely, which
 * holds SQLite's one connection meanwhile: it never reads inside another request's open transaction.
 */
import { sql } from 'kysely';

export const rowsAsArraysMark = '/* rows as arrays */';

/** Put first in a query's text. */
export const rowsAsArrays = sql.raw(`${rowsAsArraysMark} `);

/**
 * A row's values in column order: the array itself (SQLite), or an object's values (PostgreSQL keeps that order).
 * `Values` is what the caller's SELECT list holds; the driver's rows are untyped, so this is where it is asserted.
 */
export function rowValues<Values extends readonly unknown[] = unknown[]>(row: unknown): Values {
  return (Array.isArray(row) ? row : Object.values(row as object)) as unknown as Values;
}
