/**
 * PostgreSQL searches its own copy of the search text (migration 0800: user_search, one narrow row per user under
 * the trigram indexes). Triggers keep the copy in step with users.search_text: every way a user's text changes is
 * replayed here and the two compared, and a search finds the new text and not the old. A search-only list reads
 * its candidates and its count from that table alone (reading users rows to count a dense term cost twice as much at
 * 1,000,000 users).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { systemCaller } from '../../src/features/access/caller.ts';
import type { ListUsersQuery } from '../../src/features/users/users.schema.ts';
import { UsersService } from '../../src/features/users/users.service.ts';
import { narrowSearchLimit } from '../../src/features/users/users.store.ts';
import { startTestApp, type TestApp, testDialects, unique } from '../harness.ts';

/** A users row written straight into the table, as a bulk load would: its search text is its username. */
function bareUserRow(id: string, username: string, at: string) {
  return {
    id,
    username,
    username_key: username,
    search_text: username,
    created_at: at,
    updated_at: at,
    email_verified: 0,
    phone_verified: 0,
    attributes: '{}',
    path: 'users',
    type: 'internal',
    status: 'active',
    must_change_password: 0,
    mfa_enabled: 0,
  };
}

if (testDialects().includes('postgres')) {
  describe('PostgreSQL: the search table follows every user (migration 0800)', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ dialect: 'postgres' });
    });
    after(async () => {
      await t.close();
    });

    /** Every user has exactly one search row, holding its current text and its creation time. */
    async function assertInStep(when: string): Promise<void> {
      const { rows } = await sql<{ users: string; copies: string; same: string }>`SELECT
          (SELECT count(*) FROM users) AS users,
          (SELECT count(*) FROM user_search) AS copies,
          (SELECT count(*) FROM users u JOIN user_search s
            ON s.user_id = u.id AND s.search_text = u.search_text AND s.created_at = u.created_at) AS same`.execute(
        t.app.services.db,
      );
      const counts = rows[0];
      assert.ok(counts);
      assert.deepEqual([counts.copies, counts.same], [counts.users, counts.users], when);
    }

    async function found(q: string): Promise<string[]> {
      const r = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q, limit: '100' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.total, r.body.items.length, `the count of "${q}" agrees with its page`);
      return r.body.items.map((u: { username: string }) => u.username);
    }

    test('create, edit, join a group, rename it, import and delete: the copy and the search follow', async () => {
      const p = unique('srch');
      await assertInStep('at start (the bootstrap admin)');
      const id = await t.createUser({ username: `${p}-a`, displayName: 'Quokka Primo' });
      await assertInStep('after a create');
      assert.deepEqual(await found('quokka prim'), [`${p}-a`]);

      const edited = await t.request('PATCH', `/api/admin/users/${id}`, {
        token: t.adminToken,
        body: { displayName: 'Wombat Secundo' },
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      await assertInStep('after an edit');
      assert.deepEqual(await found('quokka'), []);
      assert.deepEqual(await found('wombat'), [`${p}-a`]);

      const group = await t.request('POST', '/api/admin/groups', {
        token: t.adminToken,
        body: { name: `${p} numbat` },
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      const joined = await t.request('POST', `/api/admin/groups/${group.body.id}/members`, {
        token: t.adminToken,
        body: { userId: id },
      });
      assert.ok(joined.status < 300, JSON.stringify(joined.body));
      await assertInStep('after joining a group');
      assert.deepEqual(await found('numbat'), [`${p}-a`]);
      const renamed = await t.request('PATCH', `/api/admin/groups/${group.body.id}`, {
        token: t.adminToken,
        body: { name: `${p} bilby` },
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      await assertInStep('after renaming the group');
      assert.deepEqual(await found('numbat'), []);
      assert.deepEqual(await found('bilby'), [`${p}-a`]);

      // An import inserts many users per statement (the trigger's transition table).
      const rows = Array.from({ length: 30 }, (_, i) => `${p}-imp${i},Echidna ${i},Research`);
      const imported = await t.request('POST', '/api/admin/import', {
        token: t.adminToken,
        headers: { 'content-type': 'text/csv' },
        body: ['username,displayName,department', ...rows].join('\n'),
      });
      assert.equal(imported.body.created, 30, JSON.stringify(imported.body));
      await assertInStep('after an import');
      assert.equal((await found('echidna')).length, 30);
      // Punctuation goes through the mark-mapped index of the copy.
      assert.deepEqual(await found(`${p}-imp29`), [`${p}-imp29`]);

      const deleted = await t.request('DELETE', `/api/admin/users/${id}`, { token: t.adminToken });
      assert.ok(deleted.status < 300, JSON.stringify(deleted.body));
      await assertInStep('after a delete');
      assert.deepEqual(await found('wombat'), []);
    });

    test("a user whose copy went missing (a load that skipped triggers) is searchable again after its text's next change", async () => {
      const p = unique('lost');
      const id = await t.createUser({ username: `${p}-b`, displayName: 'Platypus' });
      await sql`DELETE FROM user_search WHERE user_id = ${id}`.execute(t.app.services.db);
      assert.deepEqual(await found('platypus'), []);
      await t.request('PATCH', `/api/admin/users/${id}`, {
        token: t.adminToken,
        body: { displayName: 'Platypus Two' },
      });
      await assertInStep('after the change');
      assert.deepEqual(await found('platypus'), [`${p}-b`]);
    });

    test('a broad search none of whose matches is among the newest 2,000 lists them newest first from user_search, across cursors', async () => {
      const p = unique('far').replaceAll('-', '');
      const db = t.app.services.db;
      // 2,150 matches (past the 2,000 candidates of a narrow search) in two runs, each behind 2,100 newer users that
      // do not match: newest first, the first page (150) and the page after its cursor both come from sorting the
      // matches, since walking the next 2,000 of the order finds none.
      const rows = (tag: string, n: number, from: number) =>
        Array.from({ length: n }, (_, i) => {
          const at = new Date(from + Math.floor(i / 3) * 1000).toISOString();
          const n5 = String(i).padStart(5, '0');
          return bareUserRow(`${tag}-${n5}`, `${tag}${n5}`, at);
        });
      const near = rows(`${p}m`, 150, Date.UTC(2024, 5, 1));
      const old = [...near, ...rows(`${p}mo`, 2000, Date.UTC(2023, 0, 1))];
      await db.insertInto('users').values(old).execute();
      await db
        .insertInto('users')
        .values(rows(`${p}n`, 2100, Date.UTC(2025, 0, 1)))
        .execute();
      await db
        .insertInto('users')
        .values(rows(`${p}x`, 2100, Date.UTC(2024, 0, 1)))
        .execute();
      const expected = [...old]
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
        .map((r) => r.username);
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await t.request('GET', '/api/admin/users', {
          token: t.adminToken,
          query: { q: `${p}m`, limit: '150', ...(cursor ? { cursor } : {}) },
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        listed.push(...r.body.items.map((u: { username: string }) => u.username));
        cursor = r.body.nextCursor;
      } while (cursor && listed.length <= expected.length);
      assert.deepEqual(listed, expected, 'every match once, newest first, ties by id');
      const oldest = await t.request('GET', '/api/admin/users', {
        token: t.adminToken,
        query: { q: `${p}m`, sort: 'createdAt', limit: '3' },
      });
      assert.deepEqual(
        oldest.body.items.map((u: { username: string }) => u.username),
        expected.slice(-3).reverse(),
      );
    });

    test('a search-only list asks user_search once for its candidates and counts from them or from that table, never the users table', async () => {
      // A broad term with punctuation: more matches than a narrow search's candidates, so its count cannot be them.
      const p = unique('wide').replaceAll('-', '');
      const wide = `${p}.w`;
      const at = new Date(Date.UTC(2022, 0, 1)).toISOString();
      const bulk = Array.from({ length: narrowSearchLimit + 50 }, (_, i) =>
        bareUserRow(`${p}-${i}`, `${wide}${i}`, at),
      );
      await t.app.services.db.insertInto('users').values(bulk).execute();

      const statements: string[] = [];
      const pool = new pg.Pool({ connectionString: t.config.databaseUrl, max: 2 });
      const db = new Kysely<Database>({
        dialect: new PostgresDialect({ pool }),
        log: (event) => {
          if (event.level === 'query') statements.push(event.query.sql);
        },
      });
      try {
        const users = new UsersService(
          db,
          'postgres',
          t.clock,
          t.app.services.settings,
          t.app.services.userWrites,
          t.app.services.accessWrites,
        );
        for (const q of ['echidna', 'imp2', '-imp2', wide]) {
          const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM users
            WHERE search_text LIKE ${`%${q}%`}`.execute(t.app.services.db);
          statements.length = 0;
          const page = await users.list(systemCaller, { q, sort: '-createdAt', limit: 5 } as ListUsersQuery);
          assert.ok(page.items.length > 0, q);
          assert.deepEqual([page.total, page.totalExact], [Number(rows[0]?.n), true], `${q}: the exact count`);
          const log = `${q}: ${statements.join('\n')}`;
          const candidates = statements.filter((s) => /^select "user_search"\."user_id"/i.test(s));
          assert.equal(candidates.length, 1, `the page and the count share one candidates query; ${log}`);
          const counts = statements.filter((s) => /^SELECT COUNT\(\*\) AS n FROM \(/.test(s));
          for (const count of counts) {
            assert.match(count, /from "user_search"/i, q);
            assert.doesNotMatch(count, /from "users"/i, q);
          }
          if (q === '-imp2') assert.equal(counts.length, 0, `few marked matches are their own count; ${log}`);
          else if (q === wide) {
            assert.equal(counts.length, 1, `many marked matches are counted once, by the plain LIKE; ${log}`);
            assert.doesNotMatch(counts[0] ?? '', /translate\(/, log);
          } else assert.equal(counts.length, 1, log);
        }
      } finally {
        await db.destroy();
      }
    });
  });
}
