/**
 * One write path (issue 23, docs/architecture.md): only src/features/directory/ writes the tables that say who a
 * user is and what it holds, and only it imports the store holding that SQL. The import once wrote users on its
 * own and granted Admin past the escalation rule; this test keeps any file from doing so again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { rel, relativeImports, sourceFiles } from './source-files.ts';

const tables = ['users', 'user_roles', 'group_members', 'organization_members', 'organization_member_roles'];
const list = tables.join('|');
/** Kysely writes, the bulk inserter, and raw SQL, naming one of the tables. */
const writes = [
  new RegExp(`\\b(insertInto|updateTable|deleteFrom)\\(\\s*'(${list})'`),
  new RegExp(`\\binsertRows\\([^,]+,\\s*'(${list})'`),
  new RegExp(`\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+"?(${list})"?\\b`, 'i'),
];

function writesUserTables(text: string): boolean {
  return writes.some((pattern) => pattern.test(text));
}

const insideWritePath = (file: string) => file.startsWith('src/features/directory/');
// Migrations create the tables and their triggers; they run before any request.
const isMigration = (file: string) => file.startsWith('src/db/migrations/');

test('no file outside the write path writes users, roles held, group or organization memberships', () => {
  const offenders = sourceFiles()
    .filter((f) => !insideWritePath(rel(f)) && !isMigration(rel(f)))
    .filter((f) => writesUserTables(readFileSync(f, 'utf8')))
    .map(rel);
  assert.deepEqual(offenders, []);
});

test('only the write path imports directory.store.ts', () => {
  const offenders = sourceFiles()
    .filter((f) => !insideWritePath(rel(f)))
    .filter((f) => relativeImports(f).includes('src/features/directory/directory.store.ts'))
    .map(rel);
  assert.deepEqual(offenders, []);
});

test('the patterns catch each way of writing (the check can fail)', () => {
  for (const text of [
    "await db.insertInto('users').values(row)",
    "db.updateTable('group_members').set({})",
    "trx.deleteFrom(\n  'user_roles')",
    "await insertRows(db, 'organization_members', columns, rows)",
    'sql`UPDATE users SET status = ${s}`',
    'sql`delete from "organization_member_roles" where 1`',
  ]) {
    assert.ok(writesUserTables(text), text);
  }
  assert.ok(!writesUserTables("db.selectFrom('users').selectAll()"));
  assert.ok(!writesUserTables("db.insertInto('users_fts')"));
});

test('the store holding that SQL is inside the write path and does write each table', () => {
  const store = readFileSync(`${import.meta.dirname}/../../src/features/directory/directory.store.ts`, 'utf8');
  for (const table of tables) assert.ok(store.includes(`'${table}'`), table);
});
