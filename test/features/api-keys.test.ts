/** Personal and system API keys, and every credential type after disable and delete; both dialects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';
import { userHolding } from '../support/access-fixtures.ts';

const password = 'api key test password';

describeBothDialects('api keys', (t) => {
  const newKey = async (token: string, body: Record<string, unknown>, url = '/api/me/api-keys') => {
    const r = await t().request('POST', url, { token, body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; secret: string; prefix: string; ownerId: string | null; permissions: string[] };
  };

  /** A user holding exactly `permissions` through a role of its own. */
  const userWith = (permissions: string[]) => userHolding(t(), permissions, password);

  test('a personal key is shown once as gh_<prefix>_<secret>; lists show the prefix only; stored hashed', async () => {
    const { request, adminToken, app, clock } = t();
    const key = await newKey(adminToken, { name: 'script' });
    assert.match(key.secret, /^gh_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.secret.startsWith(`${key.prefix}_`));
    const list = await request('GET', '/api/me/api-keys', { token: adminToken });
    const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
    assert.equal(listed.prefix, key.prefix);
    assert.equal(listed.secret, undefined);
    assert.ok(!list.raw.body.includes(key.secret.slice(key.prefix.length + 1)));
    const row = await app.services.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(key.secret.slice(key.prefix.length + 1)), 'only a hash is stored');
    assert.equal(listed.lastUsedAt, null);
    clock.advance(1000);
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 200);
    const after = await request('GET', '/api/me/api-keys', { token: adminToken });
    assert.ok(after.body.items.find((k: { id: string }) => k.id === key.id).lastUsedAt, 'lastUsedAt is kept');
  });

  test('a key with users:read reads users and cannot write them (ASVS 8.2.1)', async () => {
    const { request, adminToken } = t();
    const key = await newKey(adminToken, { name: 'reader', permissions: ['users:read'] });
    assert.equal((await request('GET', '/api/admin/users', { token: key.secret })).status, 200);
    const write = await request('POST', '/api/admin/users', { token: key.secret, body: { username: unique('no') } });
    assert.equal(write.status, 403);
    assert.equal((await request('GET', '/api/admin/settings', { token: key.secret })).status, 403);
  });

  test('nobody grants a key a permission it does not hold (authentik CVE-2024-37905)', async () => {
    const { request, adminToken } = t();
    const plain = await userWith([]);
    const refused = await request('POST', '/api/me/api-keys', {
      token: plain.token,
      body: { name: 'escalate', permissions: ['users:write'] },
    });
    assert.equal(refused.status, 403);
    const none = await newKey(plain.token, { name: 'default' });
    assert.deepEqual(none.permissions, [], 'the default is what the creator holds: nothing');
    // A key cannot mint a broader key either.
    const reader = await newKey(adminToken, { name: 'reader', permissions: ['users:read'] });
    const viaKey = await request('POST', '/api/me/api-keys', {
      token: reader.secret,
      body: { name: 'wider', permissions: ['users:read', 'users:write'] },
    });
    assert.equal(viaKey.status, 403);
    const mine = await request('GET', '/api/me/api-keys', { token: plain.token });
    assert.ok(mine.body.items.every((k: { permissions: string[] }) => !k.permissions.includes('users:write')));
  });

  test('ownerId in a body is refused; the owner is always the caller (Better Auth CVE-2025-61928)', async () => {
    const { request, adminId } = t();
    const plain = await userWith([]);
    const r = await request('POST', '/api/me/api-keys', { token: plain.token, body: { name: 'x', ownerId: adminId } });
    assert.equal(r.status, 400);
    const ok = await newKey(plain.token, { name: 'mine' });
    assert.equal(ok.ownerId, plain.id);
  });

  test('an expired key stops by the clock; a past expiry is refused (ASVS 7.3.1)', async () => {
    const { request, adminToken, clock } = t();
    const past = await request('POST', '/api/me/api-keys', {
      token: adminToken,
      body: { name: 'old', expiresAt: new Date(clock.now().getTime() - 1000).toISOString() },
    });
    assert.equal(past.status, 400);
    assert.equal(past.body.errors[0].path, 'expiresAt');
    const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const key = await newKey(adminToken, { name: 'hour', expiresAt });
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 200);
    clock.advance(3_600_000 + 1000);
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 401);
  });

  test('a revoked key stops at once; another user’s key id is a 404', async () => {
    const { request, adminToken } = t();
    const plain = await userWith([]);
    const key = await newKey(plain.token, { name: 'revoke me' });
    const foreign = await request('DELETE', `/api/me/api-keys/${key.id}`, { token: adminToken });
    assert.equal(foreign.status, 404);
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 200);
    assert.equal((await request('DELETE', `/api/me/api-keys/${key.id}`, { token: plain.token })).status, 204);
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 401);
  });

  test('system keys: explicit permissions the creator holds globally, no owner, no user routes', async () => {
    const { request, adminToken } = t();
    const empty = await request('POST', '/api/admin/api-keys', { token: adminToken, body: { name: 'scim' } });
    assert.equal(empty.status, 400);
    const key = await newKey(adminToken, { name: 'scim', permissions: ['users:read'] }, '/api/admin/api-keys');
    assert.equal(key.ownerId, null);
    assert.equal((await request('GET', '/api/admin/users', { token: key.secret })).status, 200);
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 403);
    const list = await request('GET', '/api/admin/api-keys', { token: adminToken });
    assert.ok(list.body.items.some((k: { id: string }) => k.id === key.id));
    const manager = await userWith(['api-keys:manage', 'users:read']);
    const wider = await request('POST', '/api/admin/api-keys', {
      token: manager.token,
      body: { name: 'wider', permissions: ['users:write'] },
    });
    assert.equal(wider.status, 403, 'authentik CVE-2024-37905: no key scope the creator lacks');
    await newKey(manager.token, { name: 'narrow', permissions: ['users:read'] }, '/api/admin/api-keys');
    assert.equal((await request('DELETE', `/api/admin/api-keys/${key.id}`, { token: adminToken })).status, 204);
    assert.equal((await request('GET', '/api/admin/users', { token: key.secret })).status, 401);
  });

  test('an admin lists and revokes a user’s personal keys; the user list counts them', async () => {
    const { request, adminToken } = t();
    const plain = await userWith([]);
    const key = await newKey(plain.token, { name: 'laptop' });
    const list = await request('GET', '/api/admin/api-keys', { token: adminToken, query: { ownerId: plain.id } });
    assert.deepEqual(
      list.body.items.map((k: { id: string }) => k.id),
      [key.id],
    );
    const user = await request('GET', `/api/admin/users/${plain.id}`, { token: adminToken });
    assert.equal(user.body.stats.apiKeys, 1);
    assert.equal((await request('DELETE', `/api/admin/api-keys/${key.id}`, { token: adminToken })).status, 204);
    assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 401);
    assert.equal((await request('GET', '/api/admin/api-keys', { token: plain.token })).status, 403);
  });

  test('a role removed takes effect on the next request of existing sessions and keys (privilege change, ASVS 7.2.4)', async () => {
    const { request } = t();
    const reader = await userWith(['users:read']);
    const key = await newKey(reader.token, { name: 'reader', permissions: ['users:read'] });
    assert.equal((await request('GET', '/api/admin/users', { token: reader.token })).status, 200);
    assert.equal((await request('GET', '/api/admin/users', { token: key.secret })).status, 200);
    const removed = await request('PUT', `/api/admin/users/${reader.id}/roles`, {
      token: t().adminToken,
      body: { roleIds: [] },
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal((await request('GET', '/api/admin/users', { token: reader.token })).status, 403);
    assert.equal((await request('GET', '/api/admin/users', { token: key.secret })).status, 403);
  });

  test('a role removed through another node (straight in the database) takes effect within a second', async () => {
    const { request, app } = t();
    const reader = await userWith(['users:read']);
    assert.equal((await request('GET', '/api/admin/users', { token: reader.token })).status, 200);
    await app.services.db.deleteFrom('user_roles').where('user_id', '=', reader.id).execute();
    // This process did not make the change, so its session-check cache may serve the old access for up to 500 ms.
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal((await request('GET', '/api/admin/users', { token: reader.token })).status, 403);
  });

  test('every credential type is refused after disable and after delete (authentik CVE-2025-29928, Zitadel CVE-2023-22492)', async () => {
    const { request, adminToken, createUser, app } = t();
    for (const action of ['disable', 'delete'] as const) {
      const username = unique(action);
      const id = await createUser({ username, password });
      const loginReply = await request('POST', '/api/auth/login', { body: { username, password } });
      const bearer = loginReply.body.token as string;
      const cookies = [loginReply.headers['set-cookie']].flat().join('; ');
      const sessionCookie = /gatehouse_session=([^;]+)/.exec(cookies)?.[1];
      assert.ok(sessionCookie);
      const key = await newKey(bearer, { name: 'cli' });
      const viaCookie = () => request('GET', '/api/me', { headers: { cookie: `gatehouse_session=${sessionCookie}` } });
      assert.equal((await request('GET', '/api/me', { token: bearer })).status, 200);
      assert.equal((await viaCookie()).status, 200);
      assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 200);
      const r =
        action === 'disable'
          ? await request('POST', `/api/admin/users/${id}/disable`, { token: adminToken })
          : await request('DELETE', `/api/admin/users/${id}`, { token: adminToken });
      assert.ok(r.status === 200 || r.status === 204, `${action}: ${r.status}`);
      assert.equal((await request('GET', '/api/me', { token: bearer })).status, 401, `${action}: bearer session`);
      assert.equal((await viaCookie()).status, 401, `${action}: cookie`);
      assert.equal((await request('GET', '/api/me', { token: key.secret })).status, 401, `${action}: API key`);
      const relogin = await request('POST', '/api/auth/login', { body: { username, password } });
      assert.equal(relogin.status, 401, `${action}: no new session`);
      if (action === 'disable') {
        await request('POST', `/api/admin/users/${id}/enable`, { token: adminToken });
        assert.equal((await request('GET', '/api/me', { token: bearer })).status, 401, 'ended sessions stay ended');
      } else {
        const rows = await app.services.db.selectFrom('api_keys').select('id').where('owner_id', '=', id).execute();
        assert.equal(rows.length, 0, 'a deleted user’s keys are gone');
      }
    }
  });
});
