/**
 * Many rows into one table, a multi-row INSERT per chunk: the bulk writers' one statement builder (the import's
 * users, memberships and events).
 */
import { CompiledQuery } from 'kysely';
import type { Database, Db } from './database.ts';

/** Bound parameters per INSERT: below SQLite's 32,766 and PostgreSQL's 65,535. */
const paramsPerInsert = 12_000;
/** Compiled INSERT texts by dialect (its adapter), then by table, columns and row count. */
const insertTemplates = new WeakMap<object, Map<string, string>>();

/**
 * Many rows into one table, a multi-row INSERT per chunk of rows. A million-row import spends most of its time
 * here, and Kysely's building and compiling of a 500-row INSERT costs more than SQLite's running it, so the SQL
 * text is compiled by Kysely once per table, columns and row count (the dialect's placeholders included) and then
 * run with the rows' values (the same text also reuses SQLite's prepared statement). Every row has `columns`.
 */
export async function insertRows<T extends object>(
  db: Db,
  table: keyof Database & string,
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  const perInsert = Math.max(1, Math.floor(paramsPerInsert / columns.length));
  for (let start = 0; start < rows.length; start += perInsert) {
    const chunk = rows.slice(start, start + perInsert);
    const params: unknown[] = [];
    for (const row of chunk) for (const c of columns) params.push(row[c] ?? null);
    await db.executeQuery(CompiledQuery.raw(insertSql(db, table, columns, chunk.length), params));
  }
}

function insertSql(db: Db, table: string, columns: readonly string[], count: number): string {
  const adapter = db.getExecutor().adapter;
  let templates = insertTemplates.get(adapter);
  if (!templates) {
    templates = new Map();
    insertTemplates.set(adapter, templates);
  }
  const key = `${table}|${columns.join(',')}|${count}`;
  let text = templates.get(key);
  if (!text) {
    // Placeholder values only shape the text: each becomes one bound parameter.
    const placeholder = Object.fromEntries(columns.map((c) => [c, 0]));
    const values = Array.from({ length: count }, () => placeholder);
    text = db
      .insertInto(table as 'users')
      .values(values as never)
      .compile().sql;
    templates.set(key, text);
  }
  return text;
}
