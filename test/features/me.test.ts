/** Self service: the own profile and password, identity taken from the credential only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';

describeBothDialects('me', (t) => {
  test('GET /api/me answers the user with its effective permissions', async () => {
    const { request, adminToken, createUser, signIn } = t();
    const admin = await request('GET', '/api/me', { token: adminToken });
    assert.equal(admin.status, 200);
    assert.ok(admin.body.permissions.includes('users:delete'));
    const username = unique('me');
    await createUser({ username, password: 'plain user secret' });
    const plain = await request('GET', '/api/me', { token: await signIn(username, 'plain user secret') });
    assert.equal(plain.body.username, username);
    assert.deepEqual(plain.body.permissions, []);
  });

  test('PATCH /api/me edits the display name only; a userId or status in the body is refused (Better Auth CVE-2025-61928)', async () => {
    const { request, createUser, signIn, adminId } = t();
    const username = unique('self');
    await createUser({ username, password: 'self service pass' });
    const token = await signIn(username, 'self service pass');
    const ok = await request('PATCH', '/api/me', { token, body: { displayName: 'Myself' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.displayName, 'Myself');
    for (const body of [
      { userId: adminId, displayName: 'x' },
      { status: 'active' },
      { emailVerified: true },
      { phoneVerified: true },
      { roles: ['role-admin'] },
    ]) {
      const r = await request('PATCH', '/api/me', { token, body });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    const admin = await request('GET', `/api/admin/users/${adminId}`, { token: t().adminToken });
    assert.notEqual(admin.body.displayName, 'x');
  });

  test('a password change needs the current password and ends the other sessions (ASVS 6.2.3, 7.4.3)', async () => {
    const { request, createUser, signIn } = t();
    const username = unique('chg');
    await createUser({ username, password: 'current password 1' });
    const mine = await signIn(username, 'current password 1');
    const other = await signIn(username, 'current password 1');
    const wrong = await request('POST', '/api/me/password', {
      token: mine,
      body: { currentPassword: 'not it', newPassword: 'next password 22' },
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.errors[0].path, 'currentPassword');
    const common = await request('POST', '/api/me/password', {
      token: mine,
      body: { currentPassword: 'current password 1', newPassword: 'iloveyou' },
    });
    assert.equal(common.status, 400);
    assert.equal(common.body.code, 'PASSWORD_POLICY');
    assert.match(common.body.errors[0].message, /common/);
    const ok = await request('POST', '/api/me/password', {
      token: mine,
      body: { currentPassword: 'current password 1', newPassword: 'next password 22' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.sessionsEnded, 1);
    assert.equal((await request('GET', '/api/me', { token: mine })).status, 200);
    assert.equal((await request('GET', '/api/me', { token: other })).status, 401);
    await signIn(username, 'next password 22');
  });

  test('wrong current passwords count on the sign-in counter: a stolen session cannot guess the password (ASVS 6.3.1)', async () => {
    const { request, createUser, signIn, app } = t();
    const username = unique('guess');
    await createUser({ username, password: 'current password 1' });
    const token = await signIn(username, 'current password 1');
    const { lockoutThreshold } = await app.services.settings.get();
    const guess = () =>
      request('POST', '/api/me/password', {
        token,
        body: { currentPassword: 'a guess', newPassword: 'next password 22' },
      });
    for (let i = 0; i < lockoutThreshold; i++) assert.equal((await guess()).status, 403, `guess ${i}`);
    const locked = await guess();
    assert.equal(locked.status, 429);
    assert.equal(locked.body.code, 'LOGIN_LOCKED');
    const right = await request('POST', '/api/me/password', {
      token,
      body: { currentPassword: 'current password 1', newPassword: 'next password 22' },
    });
    assert.equal(right.status, 429, 'the right password is refused during the lock too');
    const signInDuringLock = await request('POST', '/api/auth/login', {
      body: { username, password: 'current password 1' },
    });
    assert.equal(signInDuringLock.status, 429, 'the account itself is locked');
  });
});
