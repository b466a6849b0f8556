/**
 * Delegated administration, object level, generated from the route table: every admin route about one user
 * (`/api/admin/users/:id…`) is tried by an organization admin on a member of its own organization and on a user
 * of another organization. Inside it passes the gate; outside it is 404 every time and changes nothing
 * (Zitadel CVE-2025-27507, authentik CVE-2024-42490). A user route added later joins the matrix by itself.
 * Global objects (groups, roles, other organizations) are not an organization admin's to change, even when
 * its organization role names groups:write or roles:write.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { organizationScopedPermissions, type Permission, permissions } from '../../src/features/access/permissions.ts';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';

const missingId = '00000000-0000-7000-8000-000000000000';
const password = 'org scope password';

async function setup(t: TestApp) {
  const admin = async (method: string, url: string, body?: unknown) => {
    const r = await t.request(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) });
    assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  // Every permission, held in one organization only.
  const orgRole = await admin('POST', '/api/admin/roles', { name: unique('OrgAll'), permissions: [...permissions] });
  const home = await admin('POST', '/api/admin/organizations', { name: unique('Home') });
  const away = await admin('POST', '/api/admin/organizations', { name: unique('Away') });
  const bossName = unique('boss');
  const boss = await t.createUser({ username: bossName, password });
  await admin('POST', `/api/admin/organizations/${home.id}/members`, { userId: boss, roleIds: [orgRole.id] });
  const memberOf = async (orgId: string) => {
    const id = await t.createUser({ username: unique('member'), password, email: `${unique('m')}@example.com` });
    await admin('POST', `/api/admin/organizations/${orgId}/members`, { userId: id });
    return id;
  };
  return { admin, home, away, orgRole, boss, token: await t.signIn(bossName, password), memberOf };
}

function userRoutes(t: TestApp) {
  return t.app.routeTable.filter((r) => r.url.startsWith('/api/admin/users/:id'));
}

/** Routes whose permission an organization role cannot grant (e.g. events:read) are closed at the gate: 403. */
function scoped(route: { access: string | undefined }): boolean {
  return organizationScopedPermissions.has(route.access as Permission);
}

function gate403(r: { status: number; body: { detail?: string } }): boolean {
  return r.status === 403 && /^Missing permission/.test(String(r.body?.detail));
}

function urlFor(template: string, userId: string): string {
  return template.replace(':id', userId).replace(/:\w+/g, missingId);
}

describeBothDialects('organization scope matrix', (tt) => {
  test('every user route on a user of another organization: 404, and the user is unchanged (Zitadel CVE-2025-27507, authentik CVE-2024-42490)', async () => {
    const t = tt();
    const s = await setup(t);
    const outsider = await s.memberOf(s.away.id);
    const loner = await t.createUser({ username: unique('loner'), password });
    const peer = await s.memberOf(s.home.id);
    const before = await t.request('GET', `/api/admin/users/${outsider}`, { token: t.adminToken });
    const routes = userRoutes(t);
    assert.ok(routes.length >= 10, `user routes: ${routes.length}`);
    const failures: string[] = [];
    for (const route of routes) {
      for (const target of [outsider, loner]) {
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? bodyFor(route.url, peer) : undefined;
        const r = await t.request(route.method, urlFor(route.url, target), { token: s.token, body });
        if (scoped(route) ? r.status !== 404 : !gate403(r))
          failures.push(`${route.method} ${route.url}: ${r.status} ${r.body?.detail ?? ''}`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    const after = await t.request('GET', `/api/admin/users/${outsider}`, { token: t.adminToken });
    assert.equal(after.status, 200);
    assert.deepEqual(after.body, before.body);
    const signIn = await t.request('POST', '/api/auth/login', {
      body: { username: before.body.username, password },
    });
    assert.equal(signIn.status, 200, 'the outsider still signs in with its password');
  });

  test('every user route on a member of its own organization passes the gate and finds the user', async () => {
    const t = tt();
    const s = await setup(t);
    const failures: string[] = [];
    const peer = await s.memberOf(s.home.id);
    for (const route of userRoutes(t)) {
      const insider = await s.memberOf(s.home.id);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? bodyFor(route.url, peer) : undefined;
      const r = await t.request(route.method, urlFor(route.url, insider), { token: s.token, body });
      const refusedUser = scoped(route)
        ? r.status === 403 || (r.status === 404 && r.body?.code === 'USER_NOT_FOUND') || r.status >= 500
        : !gate403(r);
      if (refusedUser) failures.push(`${route.method} ${route.url}: ${r.status} ${r.body?.detail ?? ''}`);
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('lists hold only its organization; the organization list too', async () => {
    const t = tt();
    const s = await setup(t);
    const insider = await s.memberOf(s.home.id);
    const outsider = await s.memberOf(s.away.id);
    const users = await t.request('GET', '/api/admin/users', { token: s.token, query: { limit: '200' } });
    assert.equal(users.status, 200);
    const ids = users.body.items.map((u: { id: string }) => u.id);
    assert.ok(ids.includes(insider));
    assert.ok(!ids.includes(outsider));
    assert.ok(!ids.includes(t.adminId));
    const orgs = await t.request('GET', '/api/admin/organizations', { token: s.token });
    assert.deepEqual(
      orgs.body.items.map((o: { id: string }) => o.id),
      [s.home.id],
    );
    assert.equal((await t.request('GET', `/api/admin/organizations/${s.away.id}`, { token: s.token })).status, 404);
    const members = await t.request('GET', `/api/admin/organizations/${s.away.id}/members`, { token: s.token });
    assert.equal(members.status, 404);
  });

  test('an organization admin creates users inside its organization only', async () => {
    const t = tt();
    const s = await setup(t);
    const inside = await t.request('POST', '/api/admin/users', {
      token: s.token,
      body: { username: unique('made'), organizationId: s.home.id },
    });
    assert.equal(inside.status, 201, JSON.stringify(inside.body));
    const listed = await t.request('GET', `/api/admin/organizations/${s.home.id}/members`, { token: s.token });
    assert.ok(JSON.stringify(listed.body).includes(inside.body.id));
    for (const body of [{ username: unique('x') }, { username: unique('x'), organizationId: s.away.id }]) {
      const r = await t.request('POST', '/api/admin/users', { token: s.token, body });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.errors?.[0]?.path, 'organizationId');
    }
  });

  test('groups, roles and other organizations are global: an organization role does not let it change them', async () => {
    const t = tt();
    const s = await setup(t);
    const group = await s.admin('POST', '/api/admin/groups', { name: unique('Global') });
    const role = await s.admin('POST', '/api/admin/roles', { name: unique('Custom'), permissions: [] });
    const attempts: [string, string, unknown][] = [
      ['POST', '/api/admin/groups', { name: unique('Mine') }],
      ['PATCH', `/api/admin/groups/${group.id}`, { name: unique('Renamed') }],
      ['PUT', `/api/admin/groups/${group.id}/roles`, { roleIds: [] }],
      ['DELETE', `/api/admin/groups/${group.id}`, undefined],
      ['POST', '/api/admin/roles', { name: unique('Empty'), permissions: [] }],
      ['PATCH', `/api/admin/roles/${role.id}`, { name: unique('Renamed') }],
      ['DELETE', `/api/admin/roles/${role.id}`, undefined],
      ['POST', '/api/admin/organizations', { name: unique('Another') }],
      ['PATCH', `/api/admin/organizations/${s.away.id}`, { name: unique('Taken') }],
      ['DELETE', `/api/admin/organizations/${s.away.id}`, undefined],
      ['PATCH', '/api/admin/settings', { allowRegistration: true }],
      // The audit trail is not scoped by organization: reading it is a global grant.
      ['GET', '/api/admin/events', undefined],
      ['GET', '/api/admin/events/export', undefined],
    ];
    const failures: string[] = [];
    for (const [method, url, body] of attempts) {
      const r = await t.request(method, url, { token: s.token, body });
      if (r.status !== 403 && r.status !== 404) failures.push(`${method} ${url}: ${r.status}`);
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    const stillThere = await t.request('GET', `/api/admin/groups/${group.id}`, { token: t.adminToken });
    assert.equal(stillThere.body.name, group.name);
    assert.equal((await t.request('GET', `/api/admin/roles/${role.id}`, { token: t.adminToken })).body.name, role.name);
  });
});

/** A plausible body per route, so the answer is about who may act, not a validation error. */
function bodyFor(url: string, peer: string): unknown {
  if (url.endsWith('/roles')) return { roleIds: [] };
  if (url.endsWith('/password')) return { generate: true };
  if (url.endsWith('/recovery-link')) return { send: false };
  if (url.endsWith('/access/copy')) return { fromUserId: peer };
  if (url === '/api/admin/users/:id') return { displayName: 'Changed by someone else' };
  return {};
}
