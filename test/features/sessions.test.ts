/** Session listing and revocation: own sessions, the admin monitor, organization scope; both dialects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iso } from '../../src/clock.ts';
import { newId } from '../../src/crypto/tokens.ts';
import { describeBothDialects, unique } from '../harness.ts';
import { followCursors } from '../support/paging.ts';

const password = 'session test password';

describeBothDialects('sessions', (t) => {
  test('a user lists its own live sessions with the calling one marked current (ASVS 7.4.5)', async () => {
    const { request, createUser, signIn } = t();
    const username = unique('own');
    const id = await createUser({ username, password });
    const a = await signIn(username, password);
    const b = await signIn(username, password);
    const r = await request('GET', '/api/me/sessions', { token: a, headers: { 'user-agent': 'laptop' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 2);
    assert.equal(r.body.items.filter((s: { current: boolean }) => s.current).length, 1);
    for (const s of r.body.items) {
      assert.equal(s.userId, id);
      assert.equal(s.token, undefined);
      assert.equal(s.tokenHash, undefined);
    }
    const fromB = await request('GET', '/api/me/sessions', { token: b });
    const currentA = r.body.items.find((s: { current: boolean }) => s.current).id;
    const currentB = fromB.body.items.find((s: { current: boolean }) => s.current).id;
    assert.notEqual(currentA, currentB);
  });

  test('a user ends another of its own sessions; that token stops at once (ASVS 7.4.1)', async () => {
    const { request, createUser, signIn } = t();
    const username = unique('end');
    await createUser({ username, password });
    const a = await signIn(username, password);
    const b = await signIn(username, password);
    const list = await request('GET', '/api/me/sessions', { token: a });
    const other = list.body.items.find((s: { current: boolean }) => !s.current).id;
    assert.equal((await request('DELETE', `/api/me/sessions/${other}`, { token: a })).status, 204);
    assert.equal((await request('GET', '/api/me', { token: b })).status, 401);
    assert.equal((await request('GET', '/api/me', { token: a })).status, 200);
  });

  test("another user's session id answers 404 and stays alive (IDOR, Zitadel CVE-2025-27507)", async () => {
    const { request, createUser, signIn } = t();
    const alice = unique('alice');
    const bob = unique('bob');
    await createUser({ username: alice, password });
    await createUser({ username: bob, password });
    const aliceToken = await signIn(alice, password);
    const bobToken = await signIn(bob, password);
    const bobSession = (await request('GET', '/api/me/sessions', { token: bobToken })).body.items[0].id;
    const r = await request('DELETE', `/api/me/sessions/${bobSession}`, { token: aliceToken });
    assert.equal(r.status, 404);
    const missing = await request('DELETE', '/api/me/sessions/no-such-session', { token: aliceToken });
    assert.equal(r.raw.body, missing.raw.body, 'foreign and missing answer alike');
    assert.equal((await request('GET', '/api/me', { token: bobToken })).status, 200);
  });

  test('the admin monitor lists every live session, filters by user, and pages with a cursor', async () => {
    const { request, createUser, signIn } = t();
    const admin = await signIn('admin', 'admin-password-for-tests');
    const username = unique('mon');
    const id = await createUser({ username, password });
    for (let i = 0; i < 3; i++) await signIn(username, password);
    const all = await request('GET', '/api/admin/sessions', { token: admin });
    assert.equal(all.status, 200);
    assert.ok(all.body.items.some((s: { userId: string }) => s.userId === id));
    assert.ok(all.body.items.some((s: { current: boolean }) => s.current));
    const seen: string[] = [];
    await followCursors(async (cursor) => {
      const query: Record<string, string> = { userId: id, limit: '2', ...(cursor ? { cursor } : {}) };
      const page = await request('GET', '/api/admin/sessions', { token: admin, query });
      assert.equal(page.status, 200);
      assert.equal(page.body.total, 3);
      for (const s of page.body.items) {
        assert.equal(s.userId, id);
        assert.equal(s.username, username);
        seen.push(s.id);
      }
      return page.body;
    });
    assert.equal(new Set(seen).size, 3);
    const bad = await request('GET', '/api/admin/sessions', { token: admin, query: { cursor: '!!' } });
    assert.equal(bad.status, 400);
  });

  test('an admin ends one session, or every session of a user (ASVS 7.4.5)', async () => {
    const { request, createUser, signIn } = t();
    const admin = await signIn('admin', 'admin-password-for-tests');
    const username = unique('kill');
    const id = await createUser({ username, password });
    const a = await signIn(username, password);
    const b = await signIn(username, password);
    const c = await signIn(username, password);
    const list = await request('GET', `/api/admin/users/${id}/sessions`, { token: admin });
    assert.equal(list.body.items.length, 3);
    const first = list.body.items[0].id;
    assert.equal((await request('DELETE', `/api/admin/sessions/${first}`, { token: admin })).status, 204);
    assert.equal((await request('DELETE', `/api/admin/sessions/${first}`, { token: admin })).status, 404);
    const alive = await Promise.all([a, b, c].map((tk) => request('GET', '/api/me', { token: tk })));
    assert.deepEqual(alive.map((r) => r.status).sort(), [200, 200, 401]);
    const all = await request('DELETE', `/api/admin/users/${id}/sessions`, { token: admin });
    assert.deepEqual(all.body, { sessionsEnded: 2 });
    for (const tk of [a, b, c]) assert.equal((await request('GET', '/api/me', { token: tk })).status, 401);
    const events = await t()
      .app.services.db.selectFrom('events')
      .select('action')
      .where('action', 'like', 'session.revoke%')
      .execute();
    assert.ok(events.length >= 2, 'revocations are audit events');
  });

  test('a user without sessions:read or sessions:revoke is refused the monitor (ASVS 8.2.1)', async () => {
    const { request, createUser, signIn, adminId } = t();
    const username = unique('plain');
    await createUser({ username, password });
    const token = await signIn(username, password);
    assert.equal((await request('GET', '/api/admin/sessions', { token })).status, 403);
    assert.equal((await request('GET', `/api/admin/users/${adminId}/sessions`, { token })).status, 403);
    assert.equal((await request('DELETE', `/api/admin/users/${adminId}/sessions`, { token })).status, 403);
    assert.equal((await request('DELETE', '/api/admin/sessions', { token })).status, 403);
  });

  test('an organization admin sees and ends only its members’ sessions (Zitadel CVE-2025-27507)', async () => {
    const { request, createUser, signIn, app } = t();
    const db = app.services.db;
    const now = iso(new Date());
    const orgId = newId();
    const roleId = newId();
    await db
      .insertInto('organizations')
      .values({ id: orgId, name: unique('org'), slug: unique('org'), created_at: now })
      .execute();
    const perms = JSON.stringify(['sessions:read', 'sessions:revoke']);
    const roleName = unique('sessadmin');
    await db
      .insertInto('roles')
      .values({
        id: roleId,
        name: roleName,
        name_key: roleName.toLowerCase(),
        description: null,
        permissions: perms,
        built_in: 0,
        created_at: now,
      })
      .execute();
    const orgAdmin = unique('orgadmin');
    const member = unique('member');
    const outsider = unique('outsider');
    const orgAdminId = await createUser({ username: orgAdmin, password });
    const memberId = await createUser({ username: member, password });
    const outsiderId = await createUser({ username: outsider, password });
    for (const userId of [orgAdminId, memberId]) {
      await db
        .insertInto('organization_members')
        .values({ organization_id: orgId, user_id: userId, created_at: now })
        .execute();
    }
    await db
      .insertInto('organization_member_roles')
      .values({ organization_id: orgId, user_id: orgAdminId, role_id: roleId })
      .execute();
    const token = await signIn(orgAdmin, password);
    await signIn(member, password);
    const outsiderToken = await signIn(outsider, password);
    const list = await request('GET', '/api/admin/sessions', { token });
    assert.equal(list.status, 200);
    const owners = new Set(list.body.items.map((s: { userId: string }) => s.userId));
    assert.ok(owners.has(memberId));
    assert.ok(!owners.has(outsiderId), 'no session of a user outside the organization');
    assert.equal((await request('GET', `/api/admin/users/${outsiderId}/sessions`, { token })).status, 404);
    assert.equal((await request('DELETE', `/api/admin/users/${outsiderId}/sessions`, { token })).status, 404);
    const outsiderSession = (await request('GET', '/api/me/sessions', { token: outsiderToken })).body.items[0].id;
    assert.equal((await request('DELETE', `/api/admin/sessions/${outsiderSession}`, { token })).status, 404);
    assert.equal((await request('GET', '/api/me', { token: outsiderToken })).status, 200);
    const memberSessions = await request('GET', `/api/admin/users/${memberId}/sessions`, { token });
    assert.equal(memberSessions.body.items.length, 1);
    assert.equal((await request('DELETE', `/api/admin/users/${memberId}/sessions`, { token })).body.sessionsEnded, 1);
  });

  test('idle sessions are not listed (runs last: it moves the clock a day on)', async () => {
    const { request, createUser, signIn, clock, adminToken } = t();
    const username = unique('idle');
    const id = await createUser({ username, password });
    await signIn(username, password);
    const before = await request('GET', `/api/admin/users/${id}/sessions`, { token: adminToken });
    assert.equal(before.body.items.length, 1);
    clock.advance(25 * 3_600_000);
    const admin = await t().signIn('admin', 'admin-password-for-tests');
    const after = await request('GET', `/api/admin/users/${id}/sessions`, { token: admin });
    assert.equal(after.status, 200);
    assert.equal(after.body.items.length, 0, 'idle for longer than sessionIdleMinutes');
  });

  test('ending everyone’s sessions keeps the calling admin signed in', async () => {
    // Runs last: it ends the harness's admin session too, and follows the clock move of the test before.
    const { request, signIn } = t();
    const admin = await signIn('admin', 'admin-password-for-tests');
    const username = unique('everyone');
    const created = await request('POST', '/api/admin/users', { token: admin, body: { username, password } });
    assert.equal(created.status, 201);
    const user = await signIn(username, password);
    const r = await request('DELETE', '/api/admin/sessions', { token: admin });
    assert.equal(r.status, 200);
    assert.ok(r.body.sessionsEnded >= 1);
    assert.equal((await request('GET', '/api/me', { token: user })).status, 401);
    assert.equal((await request('GET', '/api/me', { token: admin })).status, 200);
  });
});
