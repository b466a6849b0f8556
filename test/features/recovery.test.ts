/** Password recovery over HTTP with a real SMTP server, on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unique } from '../harness.ts';
import { describeWithSmtp, linksIn, tokenIn } from '../support/smtp.ts';
import { enrolTotp, nextStep, passwordStep, totp } from './mfa-helpers.ts';

const password = 'correct horse battery staple';
const newPassword = 'a different long passphrase';

describeWithSmtp('password recovery', (t) => {
  async function member(fields: Record<string, unknown> = {}) {
    const { app } = t();
    const username = unique('rec');
    const email = `${username}@example.test`;
    const id = await app.createUser({ username, email, password, ...fields });
    return { id, username, email };
  }

  test('forgot password answers the same 202 for a known and an unknown login, and mails only the known one (ASVS 6.3.8)', async () => {
    const { app, smtp } = t();
    const { username, email } = await member();
    const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
    const known = await app.request('POST', '/api/auth/password/forgot', {
      body: { login: username },
      headers: forged,
    });
    const unknown = await app.request('POST', '/api/auth/password/forgot', { body: { login: `nobody-${username}` } });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.equal(known.raw.body, unknown.raw.body, 'byte-identical bodies');
    const [mail] = await smtp.waitFor(email);
    assert.match(mail!.subject, /reset/i);
    assert.doesNotMatch(mail!.raw, /evil\.example/, 'forged Host headers change nothing (authentik CVE-2024-47070)');
    assert.ok(linksIn(mail!).every((l) => l.startsWith('http://gatehouse.test/reset-password?token=')));
    assert.equal(smtp.to(`nobody-${username}`).length, 0);
  });

  test('forgot password takes about the same time for a known and an unknown login (ASVS 6.3.8)', async () => {
    const { app } = t();
    const { username } = await member();
    const time = async (login: string) => {
      const started = process.hrtime.bigint();
      await app.request('POST', '/api/auth/password/forgot', { body: { login } });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await time(username));
      unknown.push(await time(`ghost-${i}-${username}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [k, u] = [median(known), median(unknown)];
    // Both paths spend one argon2 verification; the database write runs alongside it, not after it.
    // Under a loaded test machine a small absolute gap is noise, not a signal.
    const close = Math.max(k, u) / Math.min(k, u) < 2 || Math.abs(k - u) < 10;
    assert.ok(close, `known ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`);
  });

  test('a disabled or invited account gets no recovery mail', async () => {
    const { app, smtp } = t();
    const disabled = await member();
    await app.request('POST', `/api/admin/users/${disabled.id}/disable`, { token: app.adminToken });
    const r = await app.request('POST', '/api/auth/password/forgot', { body: { login: disabled.email } });
    assert.equal(r.status, 202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.to(disabled.email).length, 0);
  });

  test('a reset sets the password, clears a forced change, ends every session and works once', async () => {
    const { app, smtp } = t();
    const { id, username, email } = await member({ mustChangePassword: true });
    const sessions = [await app.signIn(username, password), await app.signIn(username, password)];
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    const weak = await app.request('POST', '/api/auth/password/reset', { body: { token, password: 'password' } });
    assert.equal(weak.status, 400, 'the password policy applies');
    const reset = await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal(reset.headers['referrer-policy'], 'no-referrer');
    assert.equal(reset.body.sessionsEnded, 2);
    // ASVS 6.4.3: a reset signs nobody in; the next session comes only through the full login (and its factors).
    assert.deepEqual(Object.keys(reset.body), ['sessionsEnded']);
    assert.equal(reset.headers['set-cookie'], undefined);
    for (const s of sessions) assert.equal((await app.request('GET', '/api/me', { token: s })).status, 401);
    const again = await app.request('POST', '/api/auth/password/reset', {
      body: { token, password: 'yet another passphrase' },
    });
    assert.equal(again.status, 410);
    const fresh = await app.signIn(username, newPassword);
    const me = await app.request('GET', '/api/me', { token: fresh });
    assert.equal(me.body.mustChangePassword, false);
    assert.equal(me.body.id, id);
    const notice = await smtp.waitFor(email, 2);
    assert.match(notice[1]!.subject, /password was changed/i, 'the owner is told (ASVS 6.3.7)');
  });

  test('a password reset does not bypass the second factor at the next sign-in (ASVS 6.4.3)', async () => {
    const { app, smtp } = t();
    const { username, email } = await member();
    const { secret } = await enrolTotp(app, await app.signIn(username, password), password);
    // Enrolling mails a "sign-in methods changed" notice first (ASVS 6.3.7); the recovery mail comes second.
    await smtp.waitFor(email);
    nextStep(app);
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const token = tokenIn((await smtp.waitFor(email, 2)).find((m) => /reset/i.test(m.subject ?? ''))!);
    const reset = await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.token, undefined, 'the reset itself signs nobody in');
    const step = await passwordStep(app, username, newPassword);
    assert.deepEqual(step.methods.includes('totp'), true, 'the factor is still asked for');
    const mfaTokenAsSession = await app.request('GET', '/api/me', { token: step.mfaToken });
    assert.equal(mfaTokenAsSession.status, 401);
    const done = await app.request('POST', '/api/auth/mfa', {
      body: { mfaToken: step.mfaToken, method: 'totp', code: totp(secret, app.clock.now()) },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.ok(done.body.token);
  });

  test('a newer recovery token kills the older one', async () => {
    const { app, smtp } = t();
    const { email } = await member();
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const first = tokenIn((await smtp.waitFor(email))[0]!);
    app.clock.advance(61_000); // past the one-a-minute cooldown
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const second = tokenIn((await smtp.waitFor(email, 2))[1]!);
    assert.equal(
      (await app.request('POST', '/api/auth/password/reset', { body: { token: first, password: newPassword } })).status,
      410,
    );
    const refusals = await app.app.services.db
      .selectFrom('events')
      .select(['outcome', 'details'])
      .where('action', '=', 'user.password.recover')
      .where('outcome', '=', 'failure')
      .execute();
    assert.ok(refusals.length >= 1, 'a refused token is an audit event (ASVS 16.3.1)');
    assert.ok(
      refusals.every((e) => !e.details.includes(first)),
      'the token is not in the event',
    );
    assert.equal(
      (await app.request('POST', '/api/auth/password/reset', { body: { token: second, password: newPassword } }))
        .status,
      200,
    );
  });

  test('a second forgot-password within a minute mails nothing and answers the same 202 (no mailbox flooding)', async () => {
    const { app, smtp } = t();
    const { email } = await member();
    const ask = () => app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const first = await ask();
    const first_ = tokenIn((await smtp.waitFor(email))[0]!);
    const again = await ask();
    assert.equal(again.status, first.status);
    assert.deepEqual(again.body, first.body);
    app.clock.advance(61_000);
    await ask();
    await smtp.waitFor(email, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(smtp.to(email).length, 2, 'one mail per minute: the ask inside the minute sent none');
    const cooldowns = await app.app.services.db
      .selectFrom('events')
      .select('details')
      .where('action', '=', 'auth.password.forgot')
      .where('outcome', '=', 'failure')
      .execute();
    assert.ok(
      cooldowns.some((e) => e.details.includes('cooldown')),
      'the refused ask is an audit event',
    );
    assert.ok(first_.length > 20);
  });

  test('once the mailed link is used, asking again within the minute mails a new one', async () => {
    const { app, smtp } = t();
    const { email } = await member();
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    const reset = await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } });
    assert.equal(reset.status, 200);
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const again = (await smtp.waitFor(email, 3)).filter((m) => /reset/i.test(m.subject ?? ''));
    assert.equal(again.length, 2, 'a second recovery mail, after the password-changed notice');
  });

  test('a recovery token expires after recoveryTtlMinutes', async () => {
    const { app, smtp } = t();
    const { email } = await member();
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    app.clock.advance(31 * 60_000);
    assert.equal(
      (await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } })).status,
      410,
    );
  });

  test('a shorter recoveryTtlMinutes takes effect without a restart', async () => {
    const { app, smtp } = t();
    const set = await app.request('PATCH', '/api/admin/settings', {
      token: app.adminToken,
      body: { recoveryTtlMinutes: 10 },
    });
    assert.equal(set.status, 200);
    try {
      const { id, email } = await member();
      const link = await app.request('POST', `/api/admin/users/${id}/recovery-link`, {
        token: app.adminToken,
        body: { send: false },
      });
      const lifetime = Date.parse(link.body.expiresAt) - app.clock.now().getTime();
      assert.ok(lifetime <= 10 * 60_000 && lifetime > 9 * 60_000, String(lifetime));
      await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
      const token = tokenIn((await smtp.waitFor(email))[0]!);
      app.clock.advance(11 * 60_000);
      const late = await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } });
      assert.equal(late.status, 410);
    } finally {
      await app.request('PATCH', '/api/admin/settings', { token: app.adminToken, body: { recoveryTtlMinutes: 30 } });
    }
  });

  test('a recovery token is bound to its user and its purpose (authentik CVE-2023-26481)', async () => {
    const { app, smtp } = t();
    const a = await member();
    const b = await member();
    await app.request('POST', '/api/auth/password/forgot', { body: { login: a.email } });
    const token = tokenIn((await smtp.waitFor(a.email))[0]!);
    const aimed = await app.request('POST', '/api/auth/password/reset', {
      body: { token, password: newPassword, userId: b.id },
    });
    assert.equal(aimed.status, 400, 'no body field names the user');
    assert.equal(
      (await app.request('POST', '/api/auth/email/verify', { body: { token } })).status,
      410,
      'not an email token',
    );
    const ok = await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } });
    assert.equal(ok.status, 200);
    await app.signIn(a.username, newPassword);
    await app.signIn(b.username, password);
  });

  test('50 parallel redemptions of one recovery token give exactly one success (Keycloak CVE-2026-1035)', async () => {
    const { app, smtp } = t();
    const { email } = await member();
    await app.request('POST', '/api/auth/password/forgot', { body: { login: email } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.request('POST', '/api/auth/password/reset', { body: { token, password: `parallel passphrase ${i}` } }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    assert.ok(
      statuses.every((s) => s === 200 || s === 410),
      statuses.join(','),
    );
  });

  test('the admin copies a recovery link without mail, or has it mailed, built from the public URL only (Zitadel CVE-2025-64101)', async () => {
    const { app, smtp } = t();
    const { id, username, email } = await member();
    const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    const copy = await app.request('POST', `/api/admin/users/${id}/recovery-link`, {
      token: app.adminToken,
      body: { send: false },
      headers: forged,
    });
    assert.equal(copy.status, 200, JSON.stringify(copy.body));
    assert.match(copy.body.url, /^http:\/\/gatehouse\.test\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(copy.body.expiresAt) > app.clock.now().getTime());
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.to(email).length, 0, 'send: false mails nothing');

    const sent = await app.request('POST', `/api/admin/users/${id}/recovery-link`, {
      token: app.adminToken,
      body: { send: true },
      headers: forged,
    });
    assert.equal(sent.status, 200);
    const [mail] = await smtp.waitFor(email);
    assert.ok(mail!.body.includes(sent.body.url));
    assert.doesNotMatch(mail!.raw, /evil\.example/);
    const copied = new URL(copy.body.url).searchParams.get('token')!;
    assert.equal(
      (await app.request('POST', '/api/auth/password/reset', { body: { token: copied, password: newPassword } }))
        .status,
      410,
      'the newer link killed the copied one',
    );
    const token = new URL(sent.body.url).searchParams.get('token')!;
    assert.equal(
      (await app.request('POST', '/api/auth/password/reset', { body: { token, password: newPassword } })).status,
      200,
    );
    await app.signIn(username, newPassword);
  });

  test('USER_STATUS: a disabled account gets no recovery link', async () => {
    const { app } = t();
    const victim = await member();
    assert.equal(
      (await app.request('POST', `/api/admin/users/${victim.id}/disable`, { token: app.adminToken })).status,
      200,
    );
    const r = await app.request('POST', `/api/admin/users/${victim.id}/recovery-link`, {
      token: app.adminToken,
      body: { send: false },
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'USER_STATUS');
  });

  test('a user without users:write cannot produce a recovery link', async () => {
    const { app } = t();
    const victim = await member();
    const caller = await member();
    const token = await app.signIn(caller.username, password);
    const r = await app.request('POST', `/api/admin/users/${victim.id}/recovery-link`, {
      token,
      body: { send: false },
    });
    assert.equal(r.status, 403);
  });
});
