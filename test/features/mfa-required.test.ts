/**
 * The mfaRequired setting: a covered user without a factor gets an enrolment-only token after the password, not a
 * session (docs/decisions/0300-mfa-required-enrolment-token.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';
import { nextStep, passwordStep, totp } from './mfa-helpers.ts';

const password = 'required factor password';

async function withSetting(app: TestApp, value: 'off' | 'admins' | 'all', body: () => Promise<void>): Promise<void> {
  const set = (v: string) =>
    app.request('PATCH', '/api/admin/settings', { token: app.adminToken, body: { mfaRequired: v } });
  assert.equal((await set(value)).status, 200);
  try {
    await body();
  } finally {
    await set('off');
  }
}

describeBothDialects('mfa: mfaRequired enforcement', (t) => {
  test("'all': a user without a factor gets an enrolment-only token that is no session (Zitadel CVE-2025-64103)", async () => {
    const app = t();
    const username = unique('req');
    await app.createUser({ username, password });
    await withSetting(app, 'all', async () => {
      const pending = await passwordStep(app, username, password);
      assert.equal(pending.enrolmentRequired, true);
      assert.deepEqual(pending.methods, []);
      const { mfaToken } = pending;
      assert.equal((await app.request('GET', '/api/me', { token: mfaToken })).status, 401);
      assert.equal(
        (await app.request('POST', '/api/me/mfa/totp', { token: mfaToken, body: { currentPassword: password } }))
          .status,
        401,
      );
      const asLogin = await app.request('POST', '/api/auth/mfa', {
        body: { mfaToken, method: 'totp', code: '123456' },
      });
      assert.equal(asLogin.status, 401, 'an enrolment token does not complete a sign-in');
      const start = await app.request('POST', '/api/auth/mfa/enrol/totp', { body: { mfaToken } });
      assert.equal(start.status, 200);
      assert.match(start.body.qrSvg, /^<svg/);
      const wrong = await app.request('POST', '/api/auth/mfa/enrol/totp/confirm', {
        body: { mfaToken, code: totp(start.body.secret, new Date(app.clock.now().getTime() - 600_000)) },
      });
      assert.equal(wrong.status, 400);
      const done = await app.request('POST', '/api/auth/mfa/enrol/totp/confirm', {
        body: { mfaToken, code: totp(start.body.secret, app.clock.now()) },
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.recoveryCodes.length, 10);
      assert.equal(done.body.user.mfaEnabled, true);
      assert.match(String(done.headers['set-cookie']), /gatehouse_session=ghs_/);
      assert.equal((await app.request('GET', '/api/me', { token: done.body.token })).status, 200);
      const reuse = await app.request('POST', '/api/auth/mfa/enrol/totp', { body: { mfaToken } });
      assert.equal(reuse.status, 401, 'the enrolment token is used once');
      nextStep(app);
      const next = await passwordStep(app, username, password);
      assert.equal(next.enrolmentRequired, undefined);
      assert.deepEqual(next.methods, ['totp', 'recovery']);
    });
  });

  test('a sign-in token is refused by the enrolment routes', async () => {
    const app = t();
    const username = unique('reqlogin');
    await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    const start = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
    await app.request('POST', '/api/me/mfa/totp/confirm', {
      token,
      body: { code: totp(start.body.secret, app.clock.now()) },
    });
    const { mfaToken } = await passwordStep(app, username, password);
    assert.equal((await app.request('POST', '/api/auth/mfa/enrol/totp', { body: { mfaToken } })).status, 401);
  });

  test("'admins': only users holding an admin permission must enrol; others sign in with the password", async () => {
    const app = t();
    const plain = unique('plainreq');
    const admin = unique('adminreq');
    await app.createUser({ username: plain, password });
    await app.createUser({ username: admin, password, roleIds: ['role-admin'] });
    await withSetting(app, 'admins', async () => {
      assert.match(await app.signIn(plain, password), /^ghs_/);
      const pending = await passwordStep(app, admin, password);
      assert.equal(pending.enrolmentRequired, true);
    });
    assert.match(await app.signIn(admin, password), /^ghs_/, "'off' again: the password suffices");
  });
});
