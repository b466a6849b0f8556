/**
 * The authorization matrix, generated from the route table: every route × {anonymous, plain user, helpdesk
 * through a nested group, organization admin, full admin, system API key with one permission}. A route added
 * later is in the matrix automatically, and one without a declared access rule fails here (and at start-up).
 * Object-level scoping (inside vs outside an organization) is covered in access.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { permissions } from '../../src/features/access/permissions.ts';
import { describeBothDialects, type Reply, type TestApp, unique } from '../harness.ts';

type Principal = { name: string; token?: string; login?: string; holds: (access: string) => boolean; isUser: boolean };

const missingId = '00000000-0000-7000-8000-000000000000';

async function principals(t: TestApp): Promise<Principal[]> {
  const post = async (url: string, body: unknown) => {
    const r = await t.request('POST', url, { token: t.adminToken, body });
    assert.ok(r.status === 201 || r.status === 204, `${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body?.id as string;
  };
  const user = async (extra: Record<string, unknown> = {}) => {
    const username = unique('m');
    await t.createUser({ username, password: 'matrix password', ...extra });
    return { token: await t.signIn(username, 'matrix password'), login: username };
  };
  const helpdeskRole = await post('/api/admin/roles', {
    name: unique('Helpdesk'),
    permissions: ['users:read', 'users:write'],
  });
  const parent = await post('/api/admin/groups', { name: unique('Support') });
  const child = await post('/api/admin/groups', { name: unique('Tier1'), parentId: parent });
  await t.request('PUT', `/api/admin/groups/${parent}/roles`, {
    token: t.adminToken,
    body: { roleIds: [helpdeskRole] },
  });
  const orgRole = await post('/api/admin/roles', {
    name: unique('OrgAdmin'),
    permissions: ['users:read', 'users:write', 'organizations:read', 'organizations:write'],
  });
  const org = await post('/api/admin/organizations', { name: unique('Org') });
  const orgAdminName = unique('boss');
  const orgAdminId = await t.createUser({ username: orgAdminName, password: 'matrix password' });
  await post(`/api/admin/organizations/${org}/members`, { userId: orgAdminId, roleIds: [orgRole] });
  // A system key holding only users:read, issued by the key route itself.
  const issued = await t.request('POST', '/api/admin/api-keys', {
    token: t.adminToken,
    body: { name: unique('matrix'), permissions: ['users:read'] },
  });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  assert.equal(issued.body.ownerId, null);
  const key = { key: issued.body.secret as string };
  const helpdesk = ['users:read', 'users:write'];
  const orgPerms = ['users:read', 'users:write', 'organizations:read', 'organizations:write'];
  return [
    { name: 'anonymous', holds: () => false, isUser: false },
    { name: 'plain user', ...(await user()), holds: () => false, isUser: true },
    {
      name: 'helpdesk via nested group',
      ...(await user({ groupIds: [child] })),
      holds: (p) => helpdesk.includes(p),
      isUser: true,
    },
    {
      name: 'organization admin',
      token: await t.signIn(orgAdminName, 'matrix password'),
      login: orgAdminName,
      holds: (p) => orgPerms.includes(p),
      isUser: true,
    },
    { name: 'full admin', ...(await user({ roleIds: ['role-admin'] })), holds: () => true, isUser: true },
    { name: 'system key users:read', token: key.key, holds: (p) => p === 'users:read', isUser: false },
  ];
}

/** Whether the request was stopped at the route gate (not by the service's own rules). */
function gateDenied(r: Reply): boolean {
  // /api answers problem+json with a code; /scim answers the SCIM error form (RFC 7644 §3.12) with the gate's detail.
  const scim = Array.isArray(r.body?.schemas) && r.body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error');
  const code = scim ? ({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN' } as Record<number, string>)[r.status] : r.body?.code;
  if (r.status === 401 && code === 'UNAUTHENTICATED') return true;
  return (
    r.status === 403 &&
    code === 'FORBIDDEN' &&
    /^(Missing permission|This route needs a user)/.test(String(r.body.detail))
  );
}

function expectedAllowed(principal: Principal, access: string): boolean {
  if (access === 'public') return true;
  if (principal.name === 'anonymous') return false;
  if (access === 'signed-in') return principal.isUser;
  return principal.holds(access);
}

describeBothDialects('authorization matrix', (tt) => {
  test('every /api and /scim route declares an access rule from the catalogue', () => {
    const t = tt();
    const guarded = t.app.routeTable.filter((r) => /^\/(api|scim)\//.test(r.url) && !r.url.startsWith('/api/docs'));
    assert.ok(guarded.length > 20);
    for (const route of guarded) {
      assert.ok(route.access, `${route.method} ${route.url} declares access`);
      assert.ok(
        ['public', 'signed-in', ...permissions].includes(route.access),
        `${route.method} ${route.url}: ${route.access}`,
      );
    }
  });

  test('route × principal: allowed exactly when the principal holds the declared access', async () => {
    const t = tt();
    const who = await principals(t);
    const routes = t.app.routeTable
      .filter(
        (r) =>
          /^\/(api|scim)\//.test(r.url) &&
          r.url !== '/api/openapi.json' &&
          !r.url.startsWith('/api/docs') &&
          r.access !== 'public',
      )
      // Ending a session last, so the principals keep their tokens for the other routes.
      .sort((a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'));
    const failures: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const url = route.url.replace(/:\w+/g, missingId);
      for (const principal of who) {
        // Some routes end the caller's own sessions (sign out everywhere): sign back in before the next cell.
        if (principal.login && (await t.request('GET', '/api/me', { token: principal.token })).status === 401) {
          principal.token = await t.signIn(principal.login, 'matrix password');
        }
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
        const r = await t.request(route.method, url, { token: principal.token, ...(body ? { body } : {}) });
        cells += 1;
        const allowed = expectedAllowed(principal, String(route.access));
        if (r.status >= 500) failures.push(`${route.method} ${route.url} as ${principal.name}: ${r.status}`);
        else if (gateDenied(r) === allowed)
          failures.push(
            `${route.method} ${route.url} [${route.access}] as ${principal.name}: ${r.status} ${r.body?.detail ?? ''}`,
          );
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    assert.ok(cells >= routes.length * 6);
  });
});
