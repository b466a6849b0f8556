/** Self-registration, email verification and email change, with a real SMTP server, on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registrationsPerAddress } from '../../src/features/lockout/lockout.service.ts';
import { unique } from '../harness.ts';
import { makeGroup } from '../support/access-fixtures.ts';
import { describeWithSmtp, linksIn, tokenIn } from '../support/smtp.ts';

const password = 'correct horse battery staple';

describeWithSmtp('registration and email', (t) => {
  const setRegistration = async (patch: Record<string, unknown>) => {
    const { app } = t();
    const r = await app.request('PATCH', '/api/admin/settings', { token: app.adminToken, body: patch });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const registrant = () => {
    const username = unique('reg');
    return { username, email: `${username}@example.test`, password };
  };

  test('the API refuses sign-up while allowRegistration is off, not only the page (Zitadel CVE-2024-49757)', async () => {
    const { app, smtp } = t();
    await setRegistration({ allowRegistration: false });
    assert.deepEqual((await app.request('GET', '/api/auth/register')).body, { open: false });
    const body = registrant();
    const r = await app.request('POST', '/api/auth/register', { body });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'REGISTRATION_CLOSED');
    const users = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: body.username } });
    assert.equal(users.body.items.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.to(body.email).length, 0);
  });

  test('with registration on, a registrant becomes a plain User in the default group and verifies its address by a link', async () => {
    const { app, smtp } = t();
    const group = await makeGroup(app);
    await setRegistration({ allowRegistration: true, requireGroup: true, defaultGroupId: group.id });
    try {
      // Public: the sign-in page asks before it offers sign-up.
      const status = await app.request('GET', '/api/auth/register');
      assert.deepEqual([status.status, status.body], [200, { open: true }]);
      const body = registrant();
      const r = await app.request('POST', '/api/auth/register', { body: { ...body, displayName: 'New Person' } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const token = await app.signIn(body.username, password);
      const me = await app.request('GET', '/api/me', { token });
      assert.equal(me.body.status, 'active');
      assert.equal(me.body.emailVerified, false);
      assert.deepEqual(
        me.body.roles.map((role: { name: string }) => role.name),
        ['User'],
      );
      assert.deepEqual(me.body.groups, [group]);
      assert.deepEqual(me.body.permissions, []);
      const [mail] = await smtp.waitFor(body.email);
      assert.ok(linksIn(mail!).every((l) => l.startsWith('http://gatehouse.test/verify-email?token=')));
      const verify = await app.request('POST', '/api/auth/email/verify', { body: { token: tokenIn(mail!) } });
      assert.equal(verify.status, 200);
      assert.equal(verify.headers['referrer-policy'], 'no-referrer');
      assert.equal((await app.request('GET', '/api/me', { token })).body.emailVerified, true);
      const again = await app.request('POST', '/api/auth/email/verify', { body: { token: tokenIn(mail!) } });
      assert.equal(again.status, 410);
    } finally {
      await setRegistration({ allowRegistration: false, requireGroup: false, defaultGroupId: null });
    }
  });

  test('registering with an address in use answers exactly like a new one and mails the owner instead (ASVS 6.3.8)', async () => {
    const { app, smtp } = t();
    await setRegistration({ allowRegistration: true });
    try {
      const first = registrant();
      const fresh = await app.request('POST', '/api/auth/register', { body: first });
      const copycat = { ...registrant(), email: first.email };
      const repeat = await app.request('POST', '/api/auth/register', { body: copycat });
      assert.equal(repeat.status, fresh.status);
      assert.equal(repeat.raw.body, fresh.raw.body);
      const mails = await smtp.waitFor(first.email, 2);
      assert.ok(mails.some((m) => /sign-up attempt/i.test(m.subject)));
      const users = await app.request('GET', '/api/admin/users', {
        token: app.adminToken,
        query: { q: copycat.username },
      });
      assert.equal(users.body.items.length, 0);
    } finally {
      await setRegistration({ allowRegistration: false });
    }
  });

  test('registering a taken username answers exactly like a new account and tells only the asking address (ASVS 6.3.8)', async () => {
    const { app, smtp } = t();
    await setRegistration({ allowRegistration: true });
    try {
      const first = registrant();
      const fresh = await app.request('POST', '/api/auth/register', { body: first });
      const other = { ...registrant(), username: first.username.toUpperCase() };
      const taken = await app.request('POST', '/api/auth/register', { body: other });
      assert.equal(taken.status, fresh.status);
      assert.equal(taken.raw.body, fresh.raw.body, 'byte-identical answers');
      const [mail] = await smtp.waitFor(other.email);
      assert.match(mail!.subject ?? '', /another username/i);
      assert.equal(smtp.to(first.email).filter((m) => /another username/i.test(m.subject ?? '')).length, 0);
      const users = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: other.email } });
      assert.equal(users.body.items.length, 0, 'no second account');
    } finally {
      await setRegistration({ allowRegistration: false });
    }
  });

  test('registration cannot set status, roles or a verified flag (mass assignment)', async () => {
    const { app } = t();
    await setRegistration({ allowRegistration: true });
    try {
      const r = await app.request('POST', '/api/auth/register', {
        body: { ...registrant(), emailVerified: true, roleIds: ['role-admin'] },
      });
      assert.equal(r.status, 400);
    } finally {
      await setRegistration({ allowRegistration: false });
    }
  });

  test('an email change needs the current password and takes effect only once confirmed from the new address; the old one is told', async () => {
    const { app, smtp } = t();
    const username = unique('mover');
    const oldEmail = `${username}@example.test`;
    const newEmail = `${username}-new@example.test`;
    await app.createUser({ username, email: oldEmail, password });
    const token = await app.signIn(username, password);
    const wrong = await app.request('POST', '/api/me/email', {
      token,
      body: { email: newEmail, currentPassword: 'nope nope nope' },
    });
    assert.equal(wrong.status, 403);
    const asked = await app.request('POST', '/api/me/email', {
      token,
      body: { email: newEmail, currentPassword: password },
    });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal(
      (await app.request('GET', '/api/me', { token })).body.email,
      oldEmail,
      'nothing changes before confirmation',
    );
    const [confirm] = await smtp.waitFor(newEmail);
    assert.equal(smtp.to(oldEmail).length, 0);
    const done = await app.request('POST', '/api/auth/email/verify', { body: { token: tokenIn(confirm!) } });
    assert.equal(done.status, 200);
    const me = (await app.request('GET', '/api/me', { token })).body;
    assert.equal(me.email, newEmail);
    assert.equal(me.emailVerified, true);
    const [notice] = await smtp.waitFor(oldEmail);
    assert.match(notice!.subject, /email address was changed/i);
    assert.equal(
      (await app.request('POST', '/api/auth/password/reset', { body: { token: tokenIn(confirm!), password } })).status,
      410,
      'an email token is no recovery token',
    );
  });

  test('wrong current passwords in an email change count on the sign-in counter (ASVS 6.3.1)', async () => {
    const { app } = t();
    const username = unique('emguess');
    await app.createUser({ username, email: `${username}@example.test`, password });
    const token = await app.signIn(username, password);
    const { lockoutThreshold } = await app.app.services.settings.get();
    const ask = (currentPassword: string) =>
      app.request('POST', '/api/me/email', {
        token,
        body: { email: `${username}-elsewhere@example.test`, currentPassword },
      });
    for (let i = 0; i < lockoutThreshold; i++) assert.equal((await ask('a guess')).status, 403, `guess ${i}`);
    assert.equal((await ask('a guess')).status, 429);
    assert.equal((await ask(password)).status, 429, 'the right password is refused during the lock too');
  });

  test('changing the own password mails the owner (ASVS 6.3.7)', async () => {
    const { app, smtp } = t();
    const username = unique('changer');
    const email = `${username}@example.test`;
    await app.createUser({ username, email, password });
    const token = await app.signIn(username, password);
    const r = await app.request('POST', '/api/me/password', {
      token,
      body: { currentPassword: password, newPassword: 'an entirely new passphrase' },
    });
    assert.equal(r.status, 200);
    const [mail] = await smtp.waitFor(email, 1, 5000);
    assert.match(mail!.subject, /password was changed/i);
    assert.doesNotMatch(mail!.raw, /entirely new passphrase/);
  });
});

describeWithSmtp('registration allowance per client address', (t) => {
  test(`ASVS 2.4.1: one address registers ${registrationsPerAddress} accounts in a row, then gets 429 with Retry-After; nothing is created or mailed, whoever the username`, async () => {
    const { app, smtp } = t();
    const on = await app.request('PATCH', '/api/admin/settings', {
      token: app.adminToken,
      body: { allowRegistration: true },
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const first = unique('reg');
    for (let i = 0; i < registrationsPerAddress; i++) {
      const username = i === 0 ? first : unique('reg');
      const r = await app.request('POST', '/api/auth/register', {
        body: { username, email: `${username}@example.test`, password },
      });
      assert.equal(r.status, 202, `registration ${i + 1}: ${JSON.stringify(r.body)}`);
    }
    const username = unique('reg');
    const refused = await app.request('POST', '/api/auth/register', {
      body: { username, email: `${username}@example.test`, password },
    });
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'RATE_LIMITED');
    assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
    assert.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After');
    // A taken username past the allowance gets the very same answer: the limit says nothing about accounts.
    const taken = await app.request('POST', '/api/auth/register', {
      body: { username: first, email: `other-${first}@example.test`, password },
    });
    assert.deepEqual([taken.status, taken.body], [refused.status, refused.body]);
    const found = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: username } });
    assert.equal(found.body.items.length, 0, 'no account created past the allowance');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(smtp.to(`${username}@example.test`).length, 0);
    assert.equal(smtp.to(`other-${first}@example.test`).length, 0);
    const events = await app.request('GET', '/api/admin/events', {
      token: app.adminToken,
      query: { action: 'auth.register', outcome: 'denied' },
    });
    assert.equal(
      events.body.items.filter((e: { details: { reason?: string } }) => e.details.reason === 'rate-limited').length,
      2,
    );
  });
});
