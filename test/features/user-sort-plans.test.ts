/**
 * Every sort the list offers, and the type filter, read the users through an index, for the first page and for a
 * page after a cursor: the statements the list really runs are captured and asked for their query plan, which must
 * name the index and must not sort (SQLite's `USE TEMP B-TREE FOR ORDER BY`; at 1,000,000 users that sort took
 * 1.5 s for "Recently signed in", 3.4 s by name). On PostgreSQL the last sign-in order comes from its own table (migration
 * 0700), kept by triggers: the pages it gives are checked against the order computed here, on both databases.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { systemCaller } from '../../src/features/access/caller.ts';
import type { ListUsersQuery } from '../../src/features/users/users.schema.ts';
import { UsersService } from '../../src/features/users/users.service.ts';
import { listUserRows, type UserFilter, type UserSort } from '../../src/features/users/users.store.ts';
import { describeBothDialects, startTestApp, type TestApp, testDialects } from '../harness.ts';
import { followCursors } from '../support/paging.ts';

const sorts: { sort: UserSort; index: string; filter?: UserFilter }[] = [
  { sort: { column: 'last_login_at', desc: true }, index: 'users_last_login_sort' },
  { sort: { column: 'last_login_at', desc: false }, index: 'users_last_login_sort' },
  { sort: { column: 'display_name', desc: false }, index: 'users_display_name_sort' },
  { sort: { column: 'email_key', desc: false }, index: 'users_email_sort' },
  { sort: { column: 'username_key', desc: false }, index: 'users_username_key' },
  { sort: { column: 'created_at', desc: true }, index: 'users_created' },
  { sort: { column: 'updated_at', desc: true }, index: 'users_updated_sort' },
  { sort: { column: 'updated_at', desc: false }, index: 'users_updated_sort' },
];

/** Filters that an index serves in the default order (newest first): the few among many. */
const filtered: { sort: UserSort; index: string; filter: UserFilter }[] = [
  { sort: { column: 'created_at', desc: true }, index: 'users_type', filter: { type: 'external' } },
];

describe('user list sorts read an index (SQLite)', () => {
  let t: TestApp;
  let native: SQLite.Database;
  let db: Kysely<Database>;
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];

  before(async () => {
    t = await startTestApp({ dialect: 'sqlite' });
    for (let i = 0; i < 6; i++) {
      await t.createUser({
        username: `sorted${i}`,
        displayName: `Sorted ${i}`,
        password: 'Pw-sorted-user-123',
        type: i < 4 ? 'external' : 'internal',
      });
      if (i % 2 === 0) await t.signIn(`sorted${i}`, 'Pw-sorted-user-123');
    }
    native = new SQLite(path.join(t.dataDir, 'gatehouse.db'));
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: native }),
      log: (event) => {
        if (event.level === 'query') statements.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
  });
  after(async () => {
    await db.destroy();
    await t.close();
  });

  for (const { sort, index, filter = {} } of [...sorts, ...filtered]) {
    const name = `${Object.keys(filter).length ? `${JSON.stringify(filter)} ` : ''}${sort.desc ? '-' : ''}${sort.column}`;
    test(`${name}: first page and a page after a cursor use ${index}, no sort`, async () => {
      statements.length = 0;
      const first = await listUserRows(db, 'sqlite', filter, sort, 2, undefined);
      assert.equal(first.rows.length, 2);
      const last = first.rows.at(-1);
      assert.ok(last);
      const cursor = { value: first.sortValues.at(-1) ?? '', id: last.id };
      const next = await listUserRows(db, 'sqlite', filter, sort, 2, cursor);
      assert.equal(next.rows.length, 2);
      const firstIds = new Set(first.rows.map((r) => r.id));
      assert.ok(!next.rows.some((r) => firstIds.has(r.id)), 'the cursor moved on: the pages do not overlap');
      if (filter.type) assert.ok([...first.rows, ...next.rows].every((r) => r.type === filter.type));
      assert.equal(statements.length, 2, 'one statement per page');
      for (const s of statements) {
        const plan = native
          .prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
          .all(...s.parameters)
          .map((row) => (row as { detail: string }).detail);
        assert.ok(
          plan.some((d) => d.includes(index)),
          `plan names ${index}: ${plan.join(' | ')}`,
        );
        assert.ok(!plan.some((d) => d.includes('TEMP B-TREE')), `plan does not sort: ${plan.join(' | ')}`);
      }
    });
  }

  test('a search by trigrams alone is counted from users_fts alone, with the filter the list builds', async () => {
    // The count's index-only paths apply when no other filter key is present: a key set to nothing (an empty list
    // of few users' ids) once sent every search count through the users table (example.org at 1M: 17 → 550 ms).
    const users = new UsersService(
      db,
      'sqlite',
      t.clock,
      t.app.services.settings,
      t.app.services.userWrites,
      t.app.services.accessWrites,
    );
    statements.length = 0;
    const page = await users.list(systemCaller, { q: 'sorted', sort: '-createdAt', limit: 2 } as ListUsersQuery);
    assert.equal(page.items.length, 2);
    const counts = statements.filter((s) => /^SELECT COUNT\(\*\) AS n FROM \(/.test(s.sql));
    assert.equal(counts.length, 1, statements.map((s) => s.sql).join('\n'));
    assert.match(counts[0]?.sql ?? '', /users_fts/);
    assert.doesNotMatch(counts[0]?.sql ?? '', /from "users"/i);
  });
});

type Listed = { id: string; username: string; lastLoginAt: string | null; status: string };

/** Every page of a list at two users a page, followed by its cursors. */
async function walk(t: TestApp, query: Record<string, string>): Promise<string[]> {
  const items = await followCursors<Listed>(async (cursor) => {
    const r = await t.request('GET', '/api/admin/users', {
      token: t.adminToken,
      query: { limit: '2', ...query, ...(cursor ? { cursor } : {}) },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  });
  return items.map((u) => u.username);
}

describeBothDialects('users listed by last sign-in', (t) => {
  const password = 'Pw-signed-in-user-123';
  const names = Array.from({ length: 9 }, (_, i) => `lastin${i}`);

  before(async () => {
    const app = t();
    for (const name of names) await app.createUser({ username: name, password, department: 'Signers' });
    // Users 0, 3, 6 never sign in; the others one second apart in a shuffled order, 2 last.
    for (const i of [5, 1, 8, 4, 7, 2]) {
      app.clock.advance(1_000);
      await app.signIn(`lastin${i}`, password);
    }
  });

  /** The order the list must give: last sign-in (never as '') then id, both one way. */
  async function expected(desc: boolean, q = 'lastin'): Promise<string[]> {
    const app = t();
    const r = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q, limit: '200' } });
    const users = r.body.items as Listed[];
    const key = (u: Listed) => [u.lastLoginAt ?? '', u.id] as const;
    users.sort((a, b) => {
      const [ka, ia] = key(a);
      const [kb, ib] = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0;
      return desc ? -c : c;
    });
    return users.map((u) => u.username);
  }

  test('recently signed in first, then the users who never did, page by page', async () => {
    const want = await expected(true);
    assert.deepEqual(want.slice(0, 6), ['lastin2', 'lastin7', 'lastin4', 'lastin8', 'lastin1', 'lastin5']);
    assert.deepEqual(want.slice(6).sort(), ['lastin0', 'lastin3', 'lastin6']);
    assert.deepEqual(await walk(t(), { q: 'lastin', sort: '-lastLoginAt' }), want);
  });

  test('the other way, and with a filter besides the search', async () => {
    assert.deepEqual(await walk(t(), { q: 'lastin', sort: 'lastLoginAt' }), await expected(false));
    assert.deepEqual(await walk(t(), { q: 'signers', sort: '-lastLoginAt', status: 'active' }), await expected(true));
  });

  test('a deleted user leaves the order, an imported one joins it', async () => {
    const app = t();
    const gone = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: 'lastin8' } });
    const id = (gone.body.items as Listed[])[0]?.id;
    assert.ok(id);
    assert.equal((await app.request('DELETE', `/api/admin/users/${id}`, { token: app.adminToken })).status, 204);
    const imported = await app.request('POST', '/api/admin/import', {
      token: app.adminToken,
      headers: { 'content-type': 'text/csv' },
      body: 'username,department\nlastin-imported-a,Signers\nlastin-imported-b,Signers\n',
    });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.equal(imported.body.created, 2);
    const want = await expected(true);
    assert.equal(want.length, 10);
    assert.ok(!want.includes('lastin8'));
    assert.deepEqual(await walk(app, { q: 'lastin', sort: '-lastLoginAt' }), want);
  });
});

if (testDialects().includes('postgres')) {
  describe('PostgreSQL: last sign-in, last change and type are read through their indexes', () => {
    let t: TestApp;
    let db: Kysely<Database>;
    let pool: pg.Pool;
    const statements: { sql: string; parameters: readonly unknown[] }[] = [];

    before(async () => {
      t = await startTestApp({ dialect: 'postgres' });
      for (let i = 0; i < 6; i++) {
        await t.createUser({
          username: `pgsorted${i}`,
          password: 'Pw-sorted-user-123',
          type: i < 4 ? 'external' : 'internal',
        });
        if (i % 2 === 0) await t.signIn(`pgsorted${i}`, 'Pw-sorted-user-123');
      }
      pool = new pg.Pool({ connectionString: t.config.databaseUrl, max: 1 });
      db = new Kysely<Database>({
        dialect: new PostgresDialect({ pool }),
        log: (event) => {
          if (event.level === 'query') statements.push({ sql: event.query.sql, parameters: event.query.parameters });
        },
      });
    });
    after(async () => {
      await db.destroy();
      await t.close();
    });

    test('a user whose order row went missing (a load that skipped triggers) is back at its next sign-in', async () => {
      const id = await t.createUser({ username: 'pgrepaired', password: 'Pw-sorted-user-123' });
      await pool.query('DELETE FROM user_sign_in_order WHERE user_id = $1', [id]);
      t.clock.advance(1_000);
      await t.signIn('pgrepaired', 'Pw-sorted-user-123');
      const { rows } = await pool.query('SELECT sort_key FROM user_sign_in_order WHERE user_id = $1', [id]);
      assert.equal(rows.length, 1);
      assert.notEqual(rows[0].sort_key, '');
    });

    /** PostgreSQL lists that seek an index of their own, and the columns its cursor comparison must name. */
    const seeking: { column: UserSort['column']; index: string; row: string; filter?: UserFilter }[] = [
      { column: 'last_login_at', index: 'user_sign_in_order_sort', row: 'sort_key, user_id' },
      { column: 'updated_at', index: 'users_updated_sort', row: 'updated_at, id' },
      { column: 'created_at', index: 'users_type', row: 'created_at, id', filter: { type: 'external' } },
    ];
    for (const { column, index, row, filter = {} } of seeking) {
      for (const desc of [true, false]) {
        const name = `${filter.type ? `type=${filter.type} ` : ''}${desc ? '-' : ''}${column}`;
        test(`${name}: both pages walk ${index} and never sort`, async () => {
          const sort: UserSort = { column, desc };
          statements.length = 0;
          const first = await listUserRows(db, 'postgres', filter, sort, 2, undefined);
          const last = first.rows.at(-1);
          assert.ok(last);
          await listUserRows(db, 'postgres', filter, sort, 2, { value: first.sortValues.at(-1) ?? '', id: last.id });
          assert.equal(statements.length, 2, 'one statement per page');
          // A handful of rows makes a sort the cheaper plan; with sorts and scans priced out, a plan that still
          // sorts is one the index cannot serve.
          await pool.query('SET enable_sort = off');
          await pool.query('SET enable_seqscan = off');
          try {
            for (const [i, s] of statements.entries()) {
              const { rows } = await pool.query(`EXPLAIN ${s.sql}`, s.parameters as unknown[]);
              const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join(' | ');
              assert.ok(plan.includes(index), `plan names the index: ${plan}`);
              assert.ok(!/\bSort\b/.test(plan), `plan does not sort: ${plan}`);
              // The cursor page seeks: its position is the index's own condition, not a filter over rows walked to.
              if (i === 1) {
                assert.match(plan, new RegExp(`${index}[^|]*\\|\\s*Index Cond: \\([^|]*ROW\\(${row}\\)`));
                assert.doesNotMatch(plan, new RegExp(`Filter: [^|]*${row.split(',')[0]}`));
              }
            }
          } finally {
            await pool.query('RESET ALL');
          }
        });
      }
    }
  });
}
