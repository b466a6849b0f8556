/** Rows as arrays (src/db/row-arrays.ts): the bulk-read convention the CSV export uses. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { rowsAsArrays, rowValues } from '../../src/db/row-arrays.ts';
import { withStatementCache } from '../../src/db/sqlite.ts';

test('on SQLite a query marked rowsAsArrays answers arrays in column order; the same query unmarked still answers objects', async () => {
  const native = new SQLite(':memory:');
  native.exec(`CREATE TABLE t (id TEXT, b TEXT, a TEXT); INSERT INTO t VALUES ('1', 'x', NULL), ('2', 'y', 'z')`);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  try {
    const query = sql`SELECT id, b, a FROM t ORDER BY id`;
    const marked = await sql`${rowsAsArrays}${query}`.execute(db);
    assert.deepEqual(marked.rows, [
      ['1', 'x', null],
      ['2', 'y', 'z'],
    ]);
    // Asked again (the cached statement) and unmarked (another text, another statement): each keeps its own form.
    assert.deepEqual((await sql`${rowsAsArrays}${query}`.execute(db)).rows, marked.rows);
    const plain = await query.execute(db);
    assert.deepEqual(plain.rows, [
      { id: '1', b: 'x', a: null },
      { id: '2', b: 'y', a: 'z' },
    ]);
    assert.deepEqual(plain.rows.map(rowValues), marked.rows, 'rowValues reads an object (PostgreSQL) in column order');
  } finally {
    await db.destroy();
  }
});
