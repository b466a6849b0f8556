/** The admin user directory over HTTP, on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';

describeBothDialects('users', (t) => {
  test('an admin creates a user with every field and reads it back without secrets', async () => {
    const { request, adminToken } = t();
    const username = unique('Carol');
    const created = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: {
        username,
        displayName: 'Carol Danvers',
        email: `${username}@Example.com`,
        phone: '+41 44 668 18 00',
        department: 'Flight',
        description: 'Pilot',
        comments: 'Joined in spring',
        attributes: { badge: 42, tags: ['a', 'b'] },
        path: 'users/staff',
        type: 'external',
        password: 'a long enough passphrase',
        mustChangePassword: true,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const user = created.body;
    assert.equal(user.phone, '+41446681800');
    assert.equal(user.type, 'external');
    assert.equal(user.status, 'active');
    assert.equal(user.mustChangePassword, true);
    assert.deepEqual(user.attributes, { badge: 42, tags: ['a', 'b'] });
    assert.deepEqual(user.stats, { sessions: 0, apiKeys: 0, groups: 0 });
    const read = await request('GET', `/api/admin/users/${user.id}`, { token: adminToken });
    assert.equal(read.status, 200);
    assert.equal(read.body.email, `${username}@Example.com`);
    assert.doesNotMatch(read.raw.body, /argon2|password_hash|passwordHash/);
  });

  test('usernames and emails are unique case-insensitively, answered 409 naming the field', async () => {
    const { request, adminToken, createUser } = t();
    const name = unique('Dup');
    await createUser({ username: name, email: `${name}@example.com` });
    const sameName = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: { username: name.toUpperCase() },
    });
    assert.equal(sameName.status, 409);
    assert.equal(sameName.body.errors[0].path, 'username');
    const sameEmail = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: { username: unique(), email: `${name.toUpperCase()}@EXAMPLE.COM` },
    });
    assert.equal(sameEmail.status, 409);
    assert.equal(sameEmail.body.errors[0].path, 'email');
  });

  test('parallel creations of one username: exactly one succeeds (the database decides)', async () => {
    const { request, adminToken } = t();
    const name = unique('race');
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        request('POST', '/api/admin/users', { token: adminToken, body: { username: name } }),
      ),
    );
    assert.equal(replies.filter((r) => r.status === 201).length, 1);
    assert.equal(replies.filter((r) => r.status === 409).length, 9);
  });

  test('bad input is a 400 problem+json naming the field, and creates nothing', async () => {
    const { request, adminToken } = t();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ username: unique(), phone: '12' }, 'phone'],
      [{ username: 'no/slash' }, 'username'],
      [{ username: ' lead' }, 'username'],
      [{ username: unique(), email: 'not-an-email' }, 'email'],
      [{ username: unique(), type: 'robot' }, 'type'],
      [{ username: unique(), status: 'invited' }, 'status'],
      [{ username: unique(), emailVerified: true }, 'emailVerified'],
      [{ username: unique(), attributes: [1, 2] }, 'attributes'],
      [{ username: unique(), password: 'password' }, 'password'],
      [{ username: unique(), password: 'short' }, 'password'],
      [{ username: 'ab' }, 'username'],
    ];
    const before = await request('GET', '/api/admin/users', { token: adminToken, query: { limit: '1' } });
    for (const [body, field] of cases) {
      const r = await request('POST', '/api/admin/users', { token: adminToken, body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      assert.ok(
        r.body.errors.some((e: { path: string }) => e.path.includes(field)),
        `${field} in ${JSON.stringify(r.body.errors)}`,
      );
    }
    const after = await request('GET', '/api/admin/users', { token: adminToken, query: { limit: '1' } });
    assert.equal(after.body.total, before.body.total);
  });

  test('malformed JSON, wrong content type and oversized bodies are 4xx problems, never 500', async () => {
    const { request, adminToken } = t();
    const json = { 'content-type': 'application/json' };
    const bad = await request('POST', '/api/admin/users', { token: adminToken, body: '{"username":', headers: json });
    assert.equal(bad.status, 400);
    const proto = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: '{"username":"x1x","__proto__":{"a":1}}',
      headers: json,
    });
    assert.equal(proto.status, 400);
    const huge = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: JSON.stringify({ username: 'x'.repeat(2_000_000) }),
      headers: json,
    });
    assert.equal(huge.status, 413);
    const text = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: 'username=x',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    const badId = await request('GET', '/api/admin/users/..%2F..%2Fetc', { token: adminToken });
    assert.equal(badId.status, 404);
    for (const r of [bad, proto, huge, text, badId]) assert.match(String(r.headers['content-type']), /problem\+json/);
  });

  test('attributes may be sent as YAML', async () => {
    const { request, adminToken } = t();
    const username = unique('yaml');
    const r = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: `username: ${username}\nattributes:\n  costCenter: "4711"\n  floors: [1, 2]\n`,
      headers: { 'content-type': 'application/yaml' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.attributes, { costCenter: '4711', floors: [1, 2] });
  });

  test('PATCH changes fields; a blank or absent password keeps the old one', async () => {
    const { request, adminToken, createUser, signIn } = t();
    const username = unique('patch');
    const id = await createUser({ username, password: 'first password here' });
    const r1 = await request('PATCH', `/api/admin/users/${id}`, {
      token: adminToken,
      body: { displayName: 'New Name', password: '' },
    });
    assert.equal(r1.status, 200);
    assert.equal(r1.body.displayName, 'New Name');
    await signIn(username, 'first password here');
    const r2 = await request('PATCH', `/api/admin/users/${id}`, { token: adminToken, body: { department: 'Ops' } });
    assert.equal(r2.status, 200);
    await signIn(username, 'first password here');
    const r3 = await request('PATCH', `/api/admin/users/${id}`, {
      token: adminToken,
      body: { password: 'second password here' },
    });
    assert.equal(r3.status, 200);
    await signIn(username, 'second password here');
    const r4 = await request('PATCH', `/api/admin/users/${id}`, { token: adminToken, body: { status: 'disabled' } });
    assert.equal(r4.status, 400, 'status changes only through disable/enable');
    const r5 = await request('PATCH', `/api/admin/users/${id}`, { token: adminToken, body: { emailVerified: true } });
    assert.equal(r5.status, 400, 'verified flags are not settable (Zitadel CVE-2026-27946)');
  });

  test('list: newest first, q over username/display name/email, filters, cursor pages and total', async () => {
    const { request, adminToken, createUser } = t();
    const tag = unique('zq');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      t().clock.advance(1000);
      ids.push(
        await createUser({
          username: `${tag}-${i}`,
          displayName: `Person ${tag} ${i}`,
          email: `${tag}${i}@corp.example`,
          path: i < 2 ? 'users/contractors' : 'users',
          type: i === 4 ? 'external' : 'internal',
        }),
      );
    }
    const page1 = await request('GET', '/api/admin/users', { token: adminToken, query: { q: tag, limit: '2' } });
    assert.equal(page1.status, 200);
    assert.equal(page1.body.total, 5);
    assert.equal(page1.body.totalExact, true);
    assert.deepEqual(
      page1.body.items.map((u: { id: string }) => u.id),
      [ids[4], ids[3]],
    );
    const page2 = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: tag, limit: '2', cursor: page1.body.nextCursor },
    });
    assert.deepEqual(
      page2.body.items.map((u: { id: string }) => u.id),
      [ids[2], ids[1]],
    );
    const page3 = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: tag, limit: '2', cursor: page2.body.nextCursor },
    });
    assert.deepEqual(
      page3.body.items.map((u: { id: string }) => u.id),
      [ids[0]],
    );
    assert.equal(page3.body.nextCursor, null);

    const byFragment = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: `${tag.slice(2)}-3` },
    });
    assert.deepEqual(
      byFragment.body.items.map((u: { id: string }) => u.id),
      [ids[3]],
    );
    const byEmail = await request('GET', '/api/admin/users', { token: adminToken, query: { q: `${tag}2@CORP` } });
    assert.deepEqual(
      byEmail.body.items.map((u: { id: string }) => u.id),
      [ids[2]],
    );
    const folder = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: tag, path: 'users/contractors' },
    });
    assert.equal(folder.body.total, 2);
    const external = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: tag, type: 'external' },
    });
    assert.deepEqual(
      external.body.items.map((u: { id: string }) => u.id),
      [ids[4]],
    );
    const sorted = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: tag, sort: 'username', limit: '3' },
    });
    assert.deepEqual(
      sorted.body.items.map((u: { id: string }) => u.id),
      [ids[0], ids[1], ids[2]],
    );
    const sortedNext = await request('GET', '/api/admin/users', {
      token: adminToken,
      query: { q: tag, sort: 'username', limit: '3', cursor: sorted.body.nextCursor },
    });
    assert.deepEqual(
      sortedNext.body.items.map((u: { id: string }) => u.id),
      [ids[3], ids[4]],
    );
    const badSort = await request('GET', '/api/admin/users', { token: adminToken, query: { sort: 'password_hash' } });
    assert.equal(badSort.status, 400);
    const badCursor = await request('GET', '/api/admin/users', { token: adminToken, query: { cursor: 'nonsense' } });
    assert.equal(badCursor.status, 400);
    const sqlish = await request('GET', '/api/admin/users', { token: adminToken, query: { q: `"' OR 1=1 --%_` } });
    assert.equal(sqlish.status, 200);
    assert.equal(sqlish.body.total, 0);
  });

  test('q terms with punctuation match it exactly, through the marks index on PostgreSQL', async () => {
    const { request, adminToken, createUser } = t();
    const p = unique('mark');
    const dotted = await createUser({ username: `${p}-a`, email: `${p}.kim@corp.example` });
    await createUser({ username: `${p}-b`, displayName: `${p} kim` });
    // The letter the PostgreSQL index maps `.` to: found by that index, then refused by the exact test.
    await createUser({ username: `${p}-c`, displayName: `${p}ꜳkim` });
    const underscored = await createUser({ username: `${p}_d` });
    const ids = async (q: string) =>
      (await request('GET', '/api/admin/users', { token: adminToken, query: { q } })).body.items.map(
        (u: { id: string }) => u.id,
      );
    assert.deepEqual(await ids(`${p}.kim`), [dotted]);
    assert.deepEqual(await ids(`${p}.kim@corp`), [dotted]);
    // `_` is a LIKE wildcard: escaped, it matches only itself (not the `-` of the others).
    assert.deepEqual(await ids(`${p}_`), [underscored]);
  });

  test('disabling ends every session at once; enabling lets the user sign in again', async () => {
    const { request, adminToken, createUser, signIn } = t();
    const username = unique('dis');
    const id = await createUser({ username, password: 'disable me please' });
    const token = await signIn(username, 'disable me please');
    assert.equal((await request('GET', '/api/me', { token })).status, 200);
    const disabled = await request('POST', `/api/admin/users/${id}/disable`, { token: adminToken });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.status, 'disabled');
    assert.equal(
      (await request('GET', '/api/me', { token })).status,
      401,
      'the old session is dead (authentik CVE-2025-29928)',
    );
    const refused = await request('POST', '/api/auth/login', { body: { username, password: 'disable me please' } });
    assert.equal(refused.status, 401);
    assert.equal((await request('POST', `/api/admin/users/${id}/enable`, { token: adminToken })).status, 200);
    await signIn(username, 'disable me please');
  });

  test('delete cascades to sessions; an admin cannot delete or disable itself', async () => {
    const { request, adminToken, adminId, createUser, signIn } = t();
    const username = unique('del');
    const id = await createUser({ username, password: 'delete me please' });
    const token = await signIn(username, 'delete me please');
    assert.equal((await request('DELETE', `/api/admin/users/${id}`, { token: adminToken })).status, 204);
    assert.equal((await request('GET', `/api/admin/users/${id}`, { token: adminToken })).status, 404);
    assert.equal((await request('GET', '/api/me', { token })).status, 401);
    const deleteSelf = await request('DELETE', `/api/admin/users/${adminId}`, { token: adminToken });
    assert.equal(deleteSelf.status, 403);
    assert.equal(deleteSelf.body.code, 'CANNOT_DELETE_SELF');
    const disableSelf = await request('POST', `/api/admin/users/${adminId}/disable`, { token: adminToken });
    assert.equal(disableSelf.status, 403);
    assert.equal(disableSelf.body.code, 'CANNOT_DELETE_SELF');
  });

  test('bulk actions answer per id', async () => {
    const { request, adminToken, adminId, createUser } = t();
    const a = await createUser({ username: unique('bulk') });
    const b = await createUser({ username: unique('bulk') });
    const r = await request('POST', '/api/admin/users/bulk', {
      token: adminToken,
      body: { action: 'disable', ids: [a, b, 'missing', adminId] },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((x: { ok: boolean; status: number }) => [x.ok, x.status]),
      [
        [true, 200],
        [true, 200],
        [false, 404],
        [false, 403],
      ],
    );
    const del = await request('POST', '/api/admin/users/bulk', {
      token: adminToken,
      body: { action: 'delete', ids: [a, b] },
    });
    assert.ok(del.body.results.every((x: { ok: boolean }) => x.ok));
    const tooMany = await request('POST', '/api/admin/users/bulk', {
      token: adminToken,
      body: { action: 'nuke', ids: [a] },
    });
    assert.equal(tooMany.status, 400);
  });

  test('admin password reset: set or generate, force a change, end sessions', async () => {
    const { request, adminToken, createUser, signIn } = t();
    const username = unique('reset');
    const id = await createUser({ username, password: 'original password' });
    const token = await signIn(username, 'original password');
    const r = await request('POST', `/api/admin/users/${id}/password`, {
      token: adminToken,
      body: { generate: true, mustChange: true },
    });
    assert.equal(r.status, 200);
    assert.equal(typeof r.body.generatedPassword, 'string');
    assert.equal(r.body.sessionsEnded, 1);
    assert.equal((await request('GET', '/api/me', { token })).status, 401);
    const fresh = await signIn(username, r.body.generatedPassword);
    // A forced change: only the password change (and /api/me, logout) work until it is done.
    const blocked = await request('PATCH', '/api/me', { token: fresh, body: { displayName: 'x' } });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.code, 'PASSWORD_CHANGE_REQUIRED');
    const changed = await request('POST', '/api/me/password', {
      token: fresh,
      body: { currentPassword: r.body.generatedPassword, newPassword: 'my own new password' },
    });
    assert.equal(changed.status, 200);
    assert.equal((await request('PATCH', '/api/me', { token: fresh, body: { displayName: 'x' } })).status, 200);
    const keep = await request('POST', `/api/admin/users/${id}/password`, {
      token: adminToken,
      body: { password: 'chosen by admin', mustChange: false, revokeSessions: false },
    });
    assert.equal(keep.body.sessionsEnded, 0);
    assert.equal((await request('GET', '/api/me', { token: fresh })).status, 200);
  });

  test('every change leaves an audit event, without secrets', async () => {
    const { app, createUser } = t();
    const id = await createUser({ username: unique('audit'), password: 'canary-secret-value-123' });
    const events = await app.services.db.selectFrom('events').selectAll().where('target_id', '=', id).execute();
    assert.deepEqual(
      events.map((e) => e.action),
      ['user.create'],
    );
    const all = await app.services.db.selectFrom('events').select('details').execute();
    assert.ok(all.every((e) => !e.details.includes('canary-secret-value-123')));
  });

  test('anonymous and unprivileged callers are refused (deny by default)', async () => {
    const { request, createUser, signIn } = t();
    assert.equal((await request('GET', '/api/admin/users')).status, 401);
    const username = unique('plain');
    await createUser({ username, password: 'plain user password' });
    const token = await signIn(username, 'plain user password');
    const r = await request('GET', '/api/admin/users', { token });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'FORBIDDEN');
    assert.equal((await request('POST', '/api/admin/users', { token, body: { username: unique() } })).status, 403);
    assert.equal((await request('GET', '/api/admin/users', { token: 'ghs_forged' })).status, 401);
  });
});
