/** TOTP and recovery codes: enrolment, sign-in, replay, single use under concurrency, admin removal. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';
import { enrolTotp, eventsOf, nextStep, passwordStep, totp, userWithTotp } from './mfa-helpers.ts';

const password = 'second factor password';

describeBothDialects('mfa: TOTP and recovery codes', (t) => {
  test('changing factors needs the current password or a second-factor code (ASVS 7.5.1)', async () => {
    const app = t();
    const username = unique('proof');
    await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    const none = await app.request('POST', '/api/me/mfa/totp', { token });
    assert.equal(none.status, 403);
    assert.equal(none.body.code, 'REAUTHENTICATION_REQUIRED');
    const wrong = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: 'not it at all' } });
    assert.equal(wrong.status, 403);
    const { secret } = await enrolTotp(app, token, password);
    nextStep(app);
    const byCode = await app.request('POST', '/api/me/mfa/recovery-codes', {
      token,
      body: { mfaCode: totp(secret, app.clock.now()) },
    });
    assert.equal(byCode.status, 200);
    assert.equal(byCode.body.recoveryCodes.length, 10);
  });

  test('MFA_NOT_ENROLLED: recovery codes need a second factor first', async () => {
    const app = t();
    const username = unique('nofactor');
    await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    const r = await app.request('POST', '/api/me/mfa/recovery-codes', { token, body: { currentPassword: password } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'MFA_NOT_ENROLLED');
  });

  test('wrong fresh proofs lock like wrong sign-ins: the threshold, then 429 even for the right password (ASVS 6.3.1)', async () => {
    const app = t();
    const { lockoutThreshold, lockoutMinutes } = (
      await app.request('GET', '/api/admin/settings', { token: app.adminToken })
    ).body;
    const username = unique('oracle');
    await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    for (let i = 0; i < lockoutThreshold; i++) {
      const r = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: `wrong ${i}` } });
      assert.equal(r.status, 403);
    }
    const right = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
    assert.equal(right.status, 429);
    assert.equal(right.body.code, 'LOGIN_LOCKED');
    assert.ok(Number(right.headers['retry-after']) > 0);
    app.clock.advance(lockoutMinutes * 60_000 + 1000);
    const later = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
    assert.equal(later.status, 200);
  });

  test('enrolment answers a secret, an otpauth URL and a QR SVG; the seed is encrypted at rest (AES-256-GCM)', async () => {
    const app = t();
    const username = unique('enrol');
    const id = await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    const start = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
    assert.equal(start.status, 200);
    assert.match(start.body.secret, /^[A-Z2-7]{32}$/);
    assert.match(start.body.otpauthUrl, /^otpauth:\/\/totp\/Gatehouse:.*secret=/);
    assert.match(start.body.qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
    const row = await app.app.services.db
      .selectFrom('mfa_authenticators')
      .selectAll()
      .where('id', '=', start.body.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.secret_enc && !row.secret_enc.includes(start.body.secret));
    assert.equal(row.confirmed_at, null);
    // Not active until confirmed: sign-in still needs no second factor, and a wrong code does not confirm it.
    assert.ok(await app.signIn(username, password));
    const bad = await app.request('POST', '/api/me/mfa/totp/confirm', { token, body: { code: '000000' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'MFA_CODE_INVALID');
    const ok = await app.request('POST', '/api/me/mfa/totp/confirm', {
      token,
      body: { code: totp(start.body.secret, app.clock.now()) },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.recoveryCodes.length, 10);
    assert.equal(new Set(ok.body.recoveryCodes).size, 10);
    const codes = await app.app.services.db
      .selectFrom('mfa_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', id)
      .execute();
    assert.equal(codes.length, 10);
    for (const c of codes)
      assert.ok(!ok.body.recoveryCodes.includes(c.code_hash), 'recovery codes stored hashed (ASVS 6.5.2)');
    const me = await app.request('GET', '/api/me', { token });
    assert.equal(me.body.mfaEnabled, true);
    const list = await app.request('GET', '/api/me/mfa', { token });
    assert.deepEqual(
      list.body.items.map((a: { type: string }) => a.type),
      ['totp'],
    );
    assert.equal(list.body.recoveryCodesRemaining, 10);
    assert.equal((await eventsOf(app, 'mfa.totp.confirm', start.body.id)).length, 1);
  });

  test('sign-in with TOTP: password first, then the code completes with a session; ±1 step of drift', async () => {
    const app = t();
    const username = unique('login');
    const { secret } = await userWithTotp(app, username, password);
    // One more step, so the previous step is later than the one the enrolment used.
    nextStep(app);
    const pending = await passwordStep(app, username, password);
    assert.deepEqual(pending.methods, ['totp', 'recovery']);
    assert.match(pending.mfaToken, /^ghm_/);
    // A code from the previous step is still accepted (clock drift of one step).
    const previous = totp(secret, new Date(app.clock.now().getTime() - 30_000));
    const r = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: pending.mfaToken, method: 'totp', code: previous },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.token, /^ghs_/);
    assert.equal(r.body.user.username, username);
    assert.match(String(r.headers['set-cookie']), /gatehouse_session=ghs_/);
    assert.equal((await app.request('GET', '/api/me', { token: r.body.token })).status, 200);
    // Two steps away is refused.
    nextStep(app);
    const again = await passwordStep(app, username, password);
    const old = totp(secret, new Date(app.clock.now().getTime() - 90_000));
    const refused = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: again.mfaToken, method: 'totp', code: old },
    });
    assert.equal(refused.status, 401);
  });

  test('a TOTP code is accepted once: a replay inside its window is refused (ASVS 6.5.1)', async () => {
    const app = t();
    const username = unique('replay');
    const { secret } = await userWithTotp(app, username, password);
    const code = totp(secret, app.clock.now());
    const first = await passwordStep(app, username, password);
    const ok = await app.request('POST', '/api/auth/mfa', { body: { mfaToken: first.mfaToken, method: 'totp', code } });
    assert.equal(ok.status, 200);
    const second = await passwordStep(app, username, password);
    const replay = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: second.mfaToken, method: 'totp', code },
    });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, 'MFA_FAILED');
    // The code of the previous step (still inside the drift window) is older than the used one: refused too.
    const older = totp(secret, new Date(app.clock.now().getTime() - 30_000));
    const third = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: second.mfaToken, method: 'totp', code: older },
    });
    assert.equal(third.status, 401);
  });

  test('a recovery code works once (ASVS 6.5.1, 6.5.2)', async () => {
    const app = t();
    const username = unique('recov');
    const { recoveryCodes } = await userWithTotp(app, username, password);
    const code = recoveryCodes[0]!;
    const first = await passwordStep(app, username, password);
    const ok = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: first.mfaToken, method: 'recovery', code: code.toLowerCase() },
    });
    assert.equal(ok.status, 200);
    const second = await passwordStep(app, username, password);
    const again = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: second.mfaToken, method: 'recovery', code },
    });
    assert.equal(again.status, 401);
    const other = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: second.mfaToken, method: 'recovery', code: recoveryCodes[1]! },
    });
    assert.equal(other.status, 200);
  });

  test('an mfaToken never works as a session, by Bearer or cookie (Zitadel CVE-2025-64102/64103)', async () => {
    const app = t();
    const username = unique('notsess');
    await userWithTotp(app, username, password);
    const { mfaToken } = await passwordStep(app, username, password);
    assert.equal((await app.request('GET', '/api/me', { token: mfaToken })).status, 401);
    const cookie = await app.request('GET', '/api/me', { headers: { cookie: `gatehouse_session=${mfaToken}` } });
    assert.equal(cookie.status, 401);
    assert.equal((await app.request('GET', '/api/me/mfa', { token: mfaToken })).status, 401);
  });

  test('a pending mfaToken stops working when the user is disabled (authentik CVE-2025-29928)', async () => {
    const app = t();
    const username = unique('disabled');
    const { userId, secret } = await userWithTotp(app, username, password);
    const { mfaToken } = await passwordStep(app, username, password);
    const disabled = await app.request('POST', `/api/admin/users/${userId}/disable`, { token: app.adminToken });
    assert.equal(disabled.status, 200);
    const code = totp(secret, app.clock.now());
    const r = await app.request('POST', '/api/auth/mfa', { body: { mfaToken, method: 'totp', code } });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, 'MFA_FAILED');
  });

  test('five wrong codes kill the mfaToken; the right code is refused after (ASVS 6.3.1, Zitadel CVE-2025-64102)', async () => {
    const app = t();
    const username = unique('brute');
    const { secret } = await userWithTotp(app, username, password);
    const { mfaToken } = await passwordStep(app, username, password);
    const right = totp(secret, app.clock.now());
    const wrong = right === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      const r = await app.request('POST', '/api/auth/mfa', { body: { mfaToken, method: 'totp', code: wrong } });
      assert.equal(r.status, 401);
    }
    const late = await app.request('POST', '/api/auth/mfa', { body: { mfaToken, method: 'totp', code: right } });
    assert.equal(late.status, 401);
    assert.ok((await eventsOf(app, 'auth.mfa')).some((e) => e.outcome === 'failure'));
  });

  test('an mfaToken expires after five minutes and is single use', async () => {
    const app = t();
    const username = unique('expire');
    const { secret } = await userWithTotp(app, username, password);
    const { mfaToken } = await passwordStep(app, username, password);
    app.clock.advance(5 * 60_000 + 1000);
    const code = totp(secret, app.clock.now());
    assert.equal(
      (await app.request('POST', '/api/auth/mfa', { body: { mfaToken, method: 'totp', code } })).status,
      401,
    );
    const fresh = await passwordStep(app, username, password);
    const ok = await app.request('POST', '/api/auth/mfa', { body: { mfaToken: fresh.mfaToken, method: 'totp', code } });
    assert.equal(ok.status, 200);
    nextStep(app);
    const reuse = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: fresh.mfaToken, method: 'totp', code: totp(secret, app.clock.now()) },
    });
    assert.equal(reuse.status, 401);
  });

  test('50 parallel uses of one TOTP code: exactly one succeeds (Keycloak CVE-2026-1035)', async () => {
    const app = t();
    const username = unique('race');
    const { secret } = await userWithTotp(app, username, password);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => passwordStep(app, username, password)));
    const code = totp(secret, app.clock.now());
    const answers = await Promise.all(
      tokens.map((p) => app.request('POST', '/api/auth/mfa', { body: { mfaToken: p.mfaToken, method: 'totp', code } })),
    );
    assert.equal(answers.filter((r) => r.status === 200).length, 1);
    // The replays are wrong codes: past the lockout threshold the rest meet the lock (429) instead of a check.
    assert.equal(answers.filter((r) => r.status === 401 || r.status === 429).length, 49);
  });

  test('50 parallel uses of one recovery code: exactly one succeeds (Keycloak CVE-2026-1035)', async () => {
    const app = t();
    const username = unique('racerc');
    const { recoveryCodes } = await userWithTotp(app, username, password);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => passwordStep(app, username, password)));
    const code = recoveryCodes[3]!;
    const answers = await Promise.all(
      tokens.map((p) =>
        app.request('POST', '/api/auth/mfa', { body: { mfaToken: p.mfaToken, method: 'recovery', code } }),
      ),
    );
    assert.equal(answers.filter((r) => r.status === 200).length, 1);
  });

  test('a factor change can end every other session (ASVS 7.4.3)', async () => {
    const app = t();
    const username = unique('endall');
    await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    const other = await app.signIn(username, password);
    const start = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
    const confirm = await app.request('POST', '/api/me/mfa/totp/confirm', {
      token,
      body: { code: totp(start.body.secret, app.clock.now()), endOtherSessions: true },
    });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.body.sessionsEnded, 1);
    assert.equal((await app.request('GET', '/api/me', { token: other })).status, 401);
    assert.equal((await app.request('GET', '/api/me', { token })).status, 200);
  });

  test('removing the last factor turns MFA off and ends the recovery codes', async () => {
    const app = t();
    const username = unique('remove');
    const { userId: id, token } = await userWithTotp(app, username, password);
    const foreign = await userWithTotp(app, unique('foreign'), password);
    const refused = await app.request('DELETE', `/api/me/mfa/${foreign.authenticatorId}`, {
      token,
      body: { currentPassword: password },
    });
    assert.equal(refused.status, 404, 'another user’s authenticator is not found (no IDOR)');
    const list = await app.request('GET', '/api/me/mfa', { token });
    const authId = list.body.items[0].id;
    assert.equal((await app.request('DELETE', `/api/me/mfa/${authId}`, { token })).status, 403);
    const removed = await app.request('DELETE', `/api/me/mfa/${authId}`, {
      token,
      body: { currentPassword: password },
    });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.mfaEnabled, false);
    assert.equal((await app.request('GET', '/api/me', { token })).body.mfaEnabled, false);
    assert.ok(await app.signIn(username, password));
    const left = await app.app.services.db
      .selectFrom('mfa_recovery_codes')
      .select('id')
      .where('user_id', '=', id)
      .execute();
    assert.equal(left.length, 0);
  });

  test('an admin lists and removes a user’s authenticator (lost phone); needs users:write', async () => {
    const app = t();
    const username = unique('lost');
    const { userId: id } = await userWithTotp(app, username, password);
    const list = await app.request('GET', `/api/admin/users/${id}/mfa`, { token: app.adminToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].type, 'totp');
    assert.equal(JSON.stringify(list.body).includes('secret'), false);
    const authId = list.body.items[0].id;
    const plain = unique('plain');
    await app.createUser({ username: plain, password });
    const plainToken = await app.signIn(plain, password);
    assert.equal((await app.request('GET', `/api/admin/users/${id}/mfa`, { token: plainToken })).status, 403);
    assert.equal(
      (await app.request('DELETE', `/api/admin/users/${id}/mfa/${authId}`, { token: plainToken })).status,
      403,
    );
    const del = await app.request('DELETE', `/api/admin/users/${id}/mfa/${authId}`, { token: app.adminToken });
    assert.equal(del.status, 204);
    const user = await app.request('GET', `/api/admin/users/${id}`, { token: app.adminToken });
    assert.equal(user.body.mfaEnabled, false);
    assert.ok(await app.signIn(username, password), 'signs in with the password alone again');
    const events = await eventsOf(app, 'mfa.authenticator.remove', authId);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.actor_id, app.adminId);
  });
});
