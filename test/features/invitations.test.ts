/** Invitations over HTTP with a real SMTP server reading the mail that arrives, on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unique } from '../harness.ts';
import { giveOrganizationRole, giveRole, makeGroup, makeOrganization, makeRole } from '../support/access-fixtures.ts';
import { describeWithSmtp, linksIn, tokenIn } from '../support/smtp.ts';

const address = () => `${unique('invitee')}@example.test`;
const password = 'correct horse battery staple';

describeWithSmtp('invitations', (t) => {
  test('an admin invites two addresses: two invited users appear and each receives a link to the public URL', async () => {
    const { app, smtp } = t();
    const emails = [address(), address()];
    const r = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.items.map((i: { status: string }) => i.status),
      ['pending', 'pending'],
    );
    for (const email of emails) {
      const [mail] = await smtp.waitFor(email);
      assert.ok(mail);
      assert.match(mail.subject, /invited/i);
      assert.match(mail.raw, /text\/plain/);
      assert.match(mail.raw, /text\/html/);
      assert.ok(
        linksIn(mail).every((l) => l.startsWith('http://gatehouse.test/')),
        linksIn(mail).join(' '),
      );
      const users = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: email } });
      assert.equal(users.body.items.length, 1);
      assert.equal(users.body.items[0].status, 'invited');
    }
  });

  test('eleven addresses are refused with a 400 and nothing is created or sent', async () => {
    const { app, smtp } = t();
    const emails = Array.from({ length: 11 }, address);
    const before = smtp.messages.length;
    const r = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails } });
    assert.equal(r.status, 400);
    assert.ok(r.body.errors.some((e: { path: string }) => e.path.startsWith('emails')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.messages.length, before);
    const users = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: emails[0]! } });
    assert.equal(users.body.items.length, 0);
  });

  test('an address that already has an account is refused and nothing is sent (a refused request changes nothing)', async () => {
    const { app, smtp } = t();
    const taken = address();
    await app.createUser({ username: unique('holder'), email: taken, password });
    const fresh = address();
    const r = await app.request('POST', '/api/admin/invitations', {
      token: app.adminToken,
      body: { emails: [fresh, taken] },
    });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.errors, [{ path: 'emails.1', message: 'already has an account' }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.to(fresh).length, 0);
  });

  test('accepting grants exactly the invitation’s roles, groups and organization, once (authentik CVE-2022-23555)', async () => {
    const { app, smtp } = t();
    const role = await makeRole(app, ['users:read']);
    const group = await makeGroup(app);
    const org = await makeOrganization(app);
    const email = address();
    const invited = await app.request('POST', '/api/admin/invitations', {
      token: app.adminToken,
      body: { emails: [email], roleIds: [role.id], groupIds: [group.id], organizationId: org.id },
    });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const token = tokenIn((await smtp.waitFor(email))[0]!);

    const preview = await app.request('GET', `/api/auth/invitations/${token}`);
    assert.equal(preview.status, 200);
    assert.equal(preview.headers['referrer-policy'], 'no-referrer');
    assert.equal(preview.body.email, email);
    assert.deepEqual(preview.body.roles, [role]);
    assert.deepEqual(preview.body.groups, [group]);
    assert.deepEqual(preview.body.organization, org);

    const username = unique('accepted');
    const widened = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
      body: { username, password, roleIds: ['role-admin'] },
    });
    assert.equal(widened.status, 400, 'a body cannot add grants');
    const accepted = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
      body: { username, password, displayName: 'New Colleague' },
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.headers['referrer-policy'], 'no-referrer');
    const user = accepted.body;
    assert.equal(user.status, 'active');
    assert.equal(user.emailVerified, true);
    assert.deepEqual(user.roles, [role]);
    assert.deepEqual(user.groups, [group]);
    assert.deepEqual(user.organizations, [org]);
    assert.equal(user.id, invited.body.items[0].userId, 'the invited placeholder became the account');
    await app.signIn(username, password);

    const again = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
      body: { username: unique('second'), password },
    });
    assert.equal(again.status, 410, 'the token works once');
    assert.equal((await app.request('GET', `/api/auth/invitations/${token}`)).status, 410);
    const list = await app.request('GET', '/api/admin/invitations', {
      token: app.adminToken,
      query: { status: 'accepted' },
    });
    assert.ok(list.body.items.some((i: { email: string }) => i.email === email));
  });

  test('a revoked invitation stops working and its invited user goes away', async () => {
    const { app, smtp } = t();
    const email = address();
    const r = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    const revoked = await app.request('DELETE', `/api/admin/invitations/${r.body.items[0].id}`, {
      token: app.adminToken,
    });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, 'revoked');
    assert.equal((await app.request('GET', `/api/auth/invitations/${token}`)).status, 410);
    const accept = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
      body: { username: unique('x'), password },
    });
    assert.equal(accept.status, 410);
    const users = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: email } });
    assert.equal(users.body.items.length, 0);
    const resend = await app.request('POST', `/api/admin/invitations/${r.body.items[0].id}/resend`, {
      token: app.adminToken,
    });
    assert.equal(resend.status, 409);
    assert.equal(resend.body.code, 'INVITATION_REVOKED');
  });

  test('INVITATION_USED: an accepted invitation is neither revoked nor sent again', async () => {
    const { app, smtp } = t();
    const email = address();
    const r = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    const accepted = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
      body: { username: unique('used'), password },
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const id = r.body.items[0].id;
    for (const [method, url] of [
      ['DELETE', `/api/admin/invitations/${id}`],
      ['POST', `/api/admin/invitations/${id}/resend`],
    ] as const) {
      const refused = await app.request(method, url, { token: app.adminToken });
      assert.equal(refused.status, 409, `${method} ${url}`);
      assert.equal(refused.body.code, 'INVITATION_USED');
    }
  });

  test('resending mails a new token and the old one dies', async () => {
    const { app, smtp } = t();
    const email = address();
    const r = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const first = tokenIn((await smtp.waitFor(email))[0]!);
    const resent = await app.request('POST', `/api/admin/invitations/${r.body.items[0].id}/resend`, {
      token: app.adminToken,
    });
    assert.equal(resent.status, 200);
    const second = tokenIn((await smtp.waitFor(email, 2))[1]!);
    assert.notEqual(first, second);
    assert.equal((await app.request('GET', `/api/auth/invitations/${first}`)).status, 410);
    const ok = await app.request('POST', `/api/auth/invitations/${second}/accept`, {
      body: { username: unique('re'), password },
    });
    assert.equal(ok.status, 200);
  });

  test('inviting a pending address again reuses its invited user, and only the newest link works', async () => {
    const { app, smtp } = t();
    const email = address();
    const a = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const first = tokenIn((await smtp.waitFor(email))[0]!);
    const b = await app.request('POST', '/api/admin/invitations', {
      token: app.adminToken,
      body: { emails: [email.toUpperCase()] },
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.equal(b.body.items[0].userId, a.body.items[0].userId);
    const second = tokenIn((await smtp.waitFor(email, 2))[1]!);
    assert.equal((await app.request('GET', `/api/auth/invitations/${first}`)).status, 410);
    assert.equal((await app.request('GET', `/api/auth/invitations/${second}`)).status, 200);
    const users = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: email } });
    assert.equal(users.body.items.length, 1);
  });

  test('an accepted account is found by what it holds now: the placeholder’s earlier organization leaves its search text', async () => {
    const { app, smtp } = t();
    const org = await makeOrganization(app);
    const email = address();
    await app.request('POST', '/api/admin/invitations', {
      token: app.adminToken,
      body: { emails: [email], organizationId: org.id },
    });
    // Invited again with nothing: acceptance must hold exactly that (CVE-2022-23555), and search must agree.
    await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const token = tokenIn((await smtp.waitFor(email, 2))[1]!);
    const username = unique('fresh');
    const accepted = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
      body: { username, password },
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const byOrg = await app.request('GET', '/api/admin/users', { token: app.adminToken, query: { q: org.name } });
    assert.deepEqual(
      byOrg.body.items.map((u: { username: string }) => u.username),
      [],
      'the organization it no longer belongs to does not find it',
    );
  });

  test('an invitation expires after invitationTtlHours, a setting that takes effect without a restart', async () => {
    const { app, smtp } = t();
    const set = await app.request('PATCH', '/api/admin/settings', {
      token: app.adminToken,
      body: { invitationTtlHours: 2 },
    });
    assert.equal(set.status, 200);
    const email = address();
    const r = await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    assert.equal(Date.parse(r.body.items[0].expiresAt) - app.clock.now().getTime() <= 2 * 3_600_000, true);
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    app.clock.advance(2 * 3_600_000 + 1000);
    try {
      const accept = await app.request('POST', `/api/auth/invitations/${token}/accept`, {
        body: { username: unique('late'), password },
      });
      assert.equal(accept.status, 410);
      const list = await app.request('GET', '/api/admin/invitations', {
        token: app.adminToken,
        query: { status: 'expired' },
      });
      assert.ok(list.body.items.some((i: { email: string }) => i.email === email));
    } finally {
      await app.request('PATCH', '/api/admin/settings', { token: app.adminToken, body: { invitationTtlHours: 72 } });
    }
  });

  test('50 parallel redemptions of one invitation give exactly one account (Keycloak CVE-2026-1035)', async () => {
    const { app, smtp } = t();
    const email = address();
    await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const token = tokenIn((await smtp.waitFor(email))[0]!);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.request('POST', `/api/auth/invitations/${token}/accept`, {
          body: { username: unique(`racer${i}x`), password },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    assert.ok(
      statuses.every((s) => s === 200 || s === 410),
      statuses.join(','),
    );
  });

  test('an inviter cannot grant a role it does not hold (authentik CVE-2024-37905)', async () => {
    const { app } = t();
    const inviterRole = await makeRole(app, ['invitations:manage']);
    const username = unique('inviter');
    const id = await app.createUser({ username, password });
    await giveRole(app, id, inviterRole.id);
    const inviter = await app.signIn(username, password);
    const email = address();
    const r = await app.request('POST', '/api/admin/invitations', {
      token: inviter,
      body: { emails: [email], roleIds: ['role-admin'] },
    });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'ESCALATION_DENIED');
    // A group that carries the Admin role (here through its parent) is the same escalation by another door.
    const parent = await makeGroup(app, { roleIds: ['role-admin'] });
    const child = await makeGroup(app, { parentId: parent.id });
    const viaGroup = await app.request('POST', '/api/admin/invitations', {
      token: inviter,
      body: { emails: [email], groupIds: [child.id] },
    });
    assert.equal(viaGroup.status, 403);
    const listed = await app.request('GET', '/api/admin/invitations', { token: app.adminToken });
    assert.ok(!listed.body.items.some((i: { email: string }) => i.email === email), 'refusals leave no invitation');
    const own = await app.request('POST', '/api/admin/invitations', {
      token: inviter,
      body: { emails: [email], roleIds: [inviterRole.id] },
    });
    assert.equal(own.status, 201, JSON.stringify(own.body));
  });

  test('an organization admin invites only into its own organization and sees only its invitations (Zitadel CVE-2025-27507)', async () => {
    const { app } = t();
    const [own, other] = [await makeOrganization(app), await makeOrganization(app)];
    const orgAdmin = await makeRole(app, ['invitations:manage', 'users:read']);
    const username = unique('orgadmin');
    const id = await app.createUser({ username, password });
    await giveOrganizationRole(app, id, own.id, orgAdmin.id);
    const token = await app.signIn(username, password);
    const nowhere = await app.request('POST', '/api/admin/invitations', { token, body: { emails: [address()] } });
    assert.equal(nowhere.status, 403);
    assert.equal(nowhere.body.code, 'ORGANIZATION_SCOPE');
    const foreign = await app.request('POST', '/api/admin/invitations', {
      token,
      body: { emails: [address()], organizationId: other.id },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, 'ORGANIZATION_SCOPE');
    const mine = await app.request('POST', '/api/admin/invitations', {
      token,
      body: { emails: [address()], organizationId: own.id },
    });
    assert.equal(mine.status, 201, JSON.stringify(mine.body));
    const seen = await app.request('GET', `/api/admin/users/${mine.body.items[0].userId}`, { token });
    assert.equal(seen.status, 200, 'the organization admin sees its invitee');
    assert.equal(seen.body.status, 'invited');
    const theirs = await app.request('POST', '/api/admin/invitations', {
      token: app.adminToken,
      body: { emails: [address()], organizationId: other.id },
    });
    const list = await app.request('GET', '/api/admin/invitations', { token });
    assert.ok(list.body.items.every((i: { organizationId: string }) => i.organizationId === own.id));
    const revoke = await app.request('DELETE', `/api/admin/invitations/${theirs.body.items[0].id}`, { token });
    assert.equal(revoke.status, 404);
    const resend = await app.request('POST', `/api/admin/invitations/${theirs.body.items[0].id}/resend`, { token });
    assert.equal(resend.status, 404);
  });

  test('forged Host and X-Forwarded-Host change nothing in the mailed link (Zitadel CVE-2025-64101, authentik CVE-2024-47070)', async () => {
    const { app, smtp } = t();
    const email = address();
    const r = await app.request('POST', '/api/admin/invitations', {
      token: app.adminToken,
      body: { emails: [email] },
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    assert.equal(r.status, 201);
    const [mail] = await smtp.waitFor(email);
    assert.doesNotMatch(mail!.raw, /evil\.example/);
    assert.ok(linksIn(mail!).every((l) => l.startsWith('http://gatehouse.test/invite?token=')));
  });
});
