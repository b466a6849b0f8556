/**
 * The floor under the SQLite import: how fast SQLite alone writes what an import of N users writes (users row,
 * audit event, group membership, through every index and the FTS5 trigger), with no CSV parsing, validation or
 * Kysely, in transactions of the import's batch size. `--deferred` also measures the bulk-load alternative: the
 * non-unique indexes of those tables and the FTS5 trigger dropped first, then rebuilt in one pass each.
 * It answers "how far can the import go on this machine" before anyone redesigns it; not part of `npm run bench`.
 *
 *   node --import tsx bench/import-floor.ts [N=1000000] [--deferred]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { migrateToLatest } from '../src/db/migrate.ts';
import { configureSqlite, openSqlite } from '../src/db/sqlite.ts';
import { batchSize as rowsPerTransaction } from '../src/features/import-export/bulk-import.service.ts';
import { round } from './lib/load.ts';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const deferred = process.argv.includes('--deferred');

const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-floor-'));
try {
  const { db: kysely, file } = openSqlite(dir);
  await migrateToLatest(kysely);
  await kysely.destroy();
  console.log(JSON.stringify({ n, deferred, ...measure(file) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function measure(file: string) {
  const db = new SQLite(file);
  configureSqlite(db);
  const groupId = 'floor-group';
  db.prepare('INSERT INTO groups (id, name, name_key, created_at) VALUES (?, ?, ?, ?)').run(
    groupId,
    'team-0',
    'team-0',
    new Date().toISOString(),
  );
  const rebuild = deferred ? setIndexesAside(db) : [];
  // Users as the import writes them, many rows a statement: FTS5 writes its pending terms out at every statement,
  // so single-row inserts would put the floor below the import itself.
  const usersPerStatement = rowsPerTransaction / 10;
  const insertEvent = db.prepare(`INSERT INTO events (id, at, actor_type, actor_id, actor_name, action, target_type,
      target_id, outcome, details) VALUES (?, ?, 'user', 'admin', 'admin', 'user.import.create', 'user', ?, 'success', '{}')`);
  const insertMember = db.prepare('INSERT INTO group_members (group_id, user_id) VALUES (?, ?)');
  const hash = `$argon2id$v=19$m=19456,t=2,p=1$${'s'.repeat(22)}$${'h'.repeat(43)}`;
  // Ids begin with their creation time, as the service's do, so the primary keys grow at their end.
  const idOf = (i: number, kind: string) => `${(1e12 + i).toString(16)}-${kind}${String(i).padStart(12, '0')}`;
  const statementFor = (count: number) =>
    db.prepare(`INSERT INTO users (id, username, username_key, display_name, email, email_key, department,
      password_hash, search_text, created_at, updated_at) VALUES
      ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
  const insertUsers = statementFor(usersPerStatement);
  let users: unknown[] = [];
  let ids: string[] = [];
  // Memberships after their users (a foreign key); the audit events have none.
  const flush = () => {
    (ids.length === usersPerStatement ? insertUsers : statementFor(ids.length)).run(users);
    for (const id of ids) insertMember.run(groupId, id);
    users = [];
    ids = [];
  };
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = idOf(i, 'u');
      const at = new Date(1.7e12 + i).toISOString();
      const name = `Anna Rossi ${i}`;
      const email = `user${i}.anna@example.org`;
      const text = `user${i} ${name} ${email} engineering team-0`.toLowerCase();
      users.push(id, `user${i}`, `user${i}`, name, email, email, 'Engineering', hash, text, at, at);
      ids.push(id);
      insertEvent.run(idOf(i, 'e'), at, id);
      if (ids.length === usersPerStatement) flush();
    }
    if (ids.length) flush();
  });
  const start = performance.now();
  for (let i = 0; i < n; i += rowsPerTransaction) batch(i, Math.min(n, i + rowsPerTransaction));
  const inserted = performance.now();
  for (const statement of rebuild) db.exec(statement);
  const indexed = performance.now();
  if (deferred) db.exec(`INSERT INTO users_fts (users_fts) VALUES ('rebuild')`);
  const end = performance.now();
  db.close();
  const s = (ms: number) => round(ms / 1000);
  return {
    insertSeconds: s(inserted - start),
    indexSeconds: s(indexed - inserted),
    ftsRebuildSeconds: s(end - indexed),
    usersPerSec: round(n / ((end - start) / 1000)),
  };
}

/** Drops the non-unique indexes of the written tables and the FTS5 insert trigger; returns the SQL that restores them. */
function setIndexesAside(db: SQLite.Database): string[] {
  const objects = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('users', 'events', 'group_members')
        AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%') OR (type = 'trigger' AND name = 'users_fts_insert'))`,
    )
    .all() as { type: string; name: string; sql: string }[];
  for (const o of objects) db.exec(`DROP ${o.type.toUpperCase()} "${o.name}"`);
  return objects.map((o) => o.sql);
}
