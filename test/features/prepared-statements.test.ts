/**
 * Prepared statements (src/db/prepared.ts): built by Kysely once per dialect, then only bound. They must answer
 * exactly as the same query built afresh, run inside the caller's transaction, and refuse a build function that
 * does more with a slot than put it where a value goes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { prepared } from '../../src/db/prepared.ts';
import { findUserByLogin } from '../../src/features/users/users.store.ts';
import { loginKey } from '../../src/features/users/users.validation.ts';
import { describeBothDialects, unique } from '../harness.ts';

const byStatus = prepared<{ status: string; prefix: string }, { username: string }>(
  ['status', 'prefix'],
  (db, { status, prefix }) =>
    db
      .selectFrom('users')
      .select('username')
      .where('status', '=', status)
      .where(sql<boolean>`substr(username, 1, length(${prefix})) = ${prefix}`)
      .orderBy('username'),
);

const rename = prepared<{ id: string; name: string }>(['id', 'name'], (db, { id, name }) =>
  db.updateTable('users').set({ display_name: name }).where('id', '=', id),
);

describeBothDialects('prepared statements', (t) => {
  test('bound again and again, a statement answers as the query built afresh; a slot used twice binds both', async () => {
    const { app, createUser } = t();
    const db = app.services.db;
    const prefix = unique('prep');
    for (const suffix of ['b', 'a', 'c']) await createUser({ username: `${prefix}${suffix}` });
    const other = unique('prepother');
    await createUser({ username: other });
    const fresh = async (status: string, p: string) =>
      (
        await db
          .selectFrom('users')
          .select('username')
          .where('status', '=', status)
          .where('username', 'like', `${p}%`)
          .orderBy('username')
          .execute()
      ).map((r) => r.username);
    for (const [status, p] of [
      ['active', prefix],
      ['active', other],
      ['disabled', prefix],
      ['active', prefix],
    ] as const) {
      const rows = (await byStatus.all(db, { status, prefix: p })).map((r) => r.username);
      assert.deepEqual(rows, await fresh(status, p));
    }
    assert.deepEqual(
      (await byStatus.all(db, { status: 'active', prefix })).map((r) => r.username),
      [`${prefix}a`, `${prefix}b`, `${prefix}c`],
    );
    assert.equal((await byStatus.first(db, { status: 'active', prefix: other }))?.username, other);
    assert.equal(await byStatus.first(db, { status: 'active', prefix: unique('nobody') }), undefined);
  });

  test('run counts the rows changed, and runs inside the caller transaction (rolled back with it)', async () => {
    const { app, createUser } = t();
    const db = app.services.db;
    const username = unique('preprename');
    const id = await createUser({ username, displayName: 'Before' });
    assert.equal(await rename.run(db, { id: 'no-such-id', name: 'X' }), 0);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        assert.equal(await rename.run(trx, { id, name: 'Inside' }), 1);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal((await findUserByLogin(db, loginKey(username)))?.display_name, 'Before');
    assert.equal(await rename.run(db, { id, name: 'After' }), 1);
    assert.equal((await findUserByLogin(db, loginKey(username)))?.display_name, 'After');
  });

  test('a build function that hides, reshapes or drops a slot is refused, and a missing value too', async () => {
    const { app } = t();
    const db = app.services.db;
    const concatenated = prepared<{ p: string }>(['p'], (d, { p }) =>
      d.selectFrom('users').select('id').where('username', 'like', `${p}%`),
    );
    await assert.rejects(concatenated.all(db, { p: 'a' }), /slot is part of a larger value/);
    const dropped = prepared<{ a: string; b: string }>(['a', 'b'], (d, { a }) =>
      d.selectFrom('users').select('id').where('username', '=', a),
    );
    await assert.rejects(dropped.all(db, { a: 'x', b: 'y' }), /slots b never reach/);
    const ok = prepared<{ a: string }>(['a'], (d, { a }) =>
      d.selectFrom('users').select('id').where('username', '=', a),
    );
    await assert.rejects(ok.all(db, {} as { a: string }), /no value for a/);
  });
});
