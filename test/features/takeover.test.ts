/**
 * Account takeover as escalation (authentik CVE-2024-37905, Keycloak CVE-2024-3656): a helpdesk holding
 * users:write must not set an administrator's password, mail itself its recovery link, change its email, disable
 * or delete it, end its sessions or issue keys for it. Generated from the route table: every route about one
 * user that needs a controlling permission is tried on a stronger user (403, nothing changes) and on a weaker
 * one (passes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllingPermissions } from '../../src/features/access/outrank.ts';
import type { Permission } from '../../src/features/access/permissions.ts';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';

const missingId = '00000000-0000-7000-8000-000000000000';
const password = 'takeover test password';

function bodyFor(url: string, peer: string): unknown {
  if (url.endsWith('/roles')) return { roleIds: [] };
  if (url.endsWith('/password')) return { password: 'a password chosen by the attacker' };
  if (url.endsWith('/recovery-link')) return { send: false };
  if (url.endsWith('/access/copy')) return { fromUserId: peer };
  if (url === '/api/admin/users/:id') return { email: `${unique('evil')}@example.com` };
  return {};
}

async function setup(t: TestApp) {
  const admin = async (method: string, url: string, body?: unknown) => {
    const r = await t.request(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) });
    assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const helpdeskRole = await admin('POST', '/api/admin/roles', {
    name: unique('Helpdesk'),
    permissions: ['users:read', 'users:write', 'users:delete', 'sessions:read', 'sessions:revoke', 'api-keys:manage'],
  });
  const parent = await admin('POST', '/api/admin/groups', { name: unique('Support') });
  const child = await admin('POST', '/api/admin/groups', { name: unique('Tier1'), parentId: parent.id });
  await admin('PUT', `/api/admin/groups/${parent.id}/roles`, { roleIds: [helpdeskRole.id] });
  const name = unique('help');
  await t.createUser({ username: name, password, groupIds: [child.id] });
  return { token: await t.signIn(name, password), child };
}

function controllingUserRoutes(t: TestApp) {
  return t.app.routeTable.filter(
    (r) => r.url.startsWith('/api/admin/users/:id') && controllingPermissions.has(r.access as Permission),
  );
}

describeBothDialects('no takeover of a stronger account', (tt) => {
  test('every controlling user route on an administrator: 403, and the administrator is unchanged (CVE-2024-37905, CVE-2024-3656)', async () => {
    const t = tt();
    const { token } = await setup(t);
    const targetName = unique('admin');
    const target = await t.createUser({ username: targetName, password, roleIds: ['role-admin'] });
    const peer = await t.createUser({ username: unique('peer') });
    const before = await t.request('GET', `/api/admin/users/${target}`, { token: t.adminToken });
    const routes = controllingUserRoutes(t);
    assert.ok(routes.length >= 8, `routes: ${routes.length}`);
    const failures: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(':id', target).replace(/:\w+/g, missingId);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? bodyFor(route.url, peer) : undefined;
      const r = await t.request(route.method, url, { token, body });
      if (r.status !== 403 || r.body?.code !== 'OUTRANKED')
        failures.push(`${route.method} ${route.url}: ${r.status} ${r.body?.code} ${r.body?.detail ?? ''}`);
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    const after = await t.request('GET', `/api/admin/users/${target}`, { token: t.adminToken });
    assert.deepEqual(after.body, before.body);
    assert.equal(
      (await t.request('POST', '/api/auth/login', { body: { username: targetName, password } })).status,
      200,
    );
  });

  test('a helpdesk still manages users holding no more than it does', async () => {
    const t = tt();
    const { token, child } = await setup(t);
    const failures: string[] = [];
    for (const route of controllingUserRoutes(t)) {
      // A fresh plain user and a fresh fellow helpdesk per route: some routes delete or disable.
      for (const extra of [{}, { groupIds: [child.id] }]) {
        const target = await t.createUser({ username: unique('t'), password, ...extra });
        const peer = await t.createUser({ username: unique('p') });
        const url = route.url.replace(':id', target).replace(/:\w+/g, missingId);
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? bodyFor(route.url, peer) : undefined;
        const r = await t.request(route.method, url, { token, body });
        if (r.status === 403 || r.status >= 500 || r.body?.code === 'USER_NOT_FOUND') {
          failures.push(`${route.method} ${route.url}: ${r.status} ${r.body?.detail ?? ''}`);
        }
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('an organization admin cannot take over a member who holds a global role', async () => {
    const t = tt();
    const orgRole = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: unique('OrgAdmin'), permissions: ['users:read', 'users:write'] },
    });
    const keys = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: unique('Keys'), permissions: ['api-keys:manage'] },
    });
    const org = await t.request('POST', '/api/admin/organizations', {
      token: t.adminToken,
      body: { name: unique('O') },
    });
    const bossName = unique('boss');
    const boss = await t.createUser({ username: bossName, password });
    const strong = await t.createUser({ username: unique('strong'), password, roleIds: [keys.body.id] });
    for (const [userId, roleIds] of [
      [boss, [orgRole.body.id]],
      [strong, []],
    ] as const) {
      await t.request('POST', `/api/admin/organizations/${org.body.id}/members`, {
        token: t.adminToken,
        body: { userId, roleIds },
      });
    }
    const token = await t.signIn(bossName, password);
    const r = await t.request('POST', `/api/admin/users/${strong}/password`, {
      token,
      body: { password: 'a password chosen by the attacker' },
    });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.code, 'OUTRANKED');
    assert.match(r.body.detail, /api-keys:manage/);
  });
});
