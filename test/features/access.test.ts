/** Groups, roles, organizations and the access they grant, over HTTP on both dialects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { permissions } from '../../src/features/access/permissions.ts';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';

async function make(t: TestApp, url: string, body: unknown, token = t.adminToken): Promise<string> {
  const r = await t.request('POST', url, { token, body });
  assert.equal(r.status, 201, `${url} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

async function userWith(
  t: TestApp,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string; username: string }> {
  const username = unique('u');
  const id = await t.createUser({ username, password: 'a fine password', ...extra });
  return { id, token: await t.signIn(username, 'a fine password'), username };
}

describeBothDialects('groups, roles and organizations', (tt) => {
  test('groups nest; a cycle is refused; names are unique case-insensitively; paths read root to leaf', async () => {
    const t = tt();
    const root = await make(t, '/api/admin/groups', { name: unique('Eng') });
    const child = await make(t, '/api/admin/groups', { name: unique('Backend'), parentId: root });
    const leaf = await make(t, '/api/admin/groups', { name: unique('Oncall'), parentId: child });
    const got = await t.request('GET', `/api/admin/groups/${leaf}`, { token: t.adminToken });
    assert.equal(got.body.path.split('/').length, 3);
    const cycle = await t.request('PATCH', `/api/admin/groups/${root}`, {
      token: t.adminToken,
      body: { parentId: leaf },
    });
    assert.equal(cycle.status, 409);
    assert.equal(cycle.body.code, 'GROUP_CYCLE');
    assert.equal(cycle.body.errors[0].path, 'parentId');
    const self = await t.request('PATCH', `/api/admin/groups/${root}`, {
      token: t.adminToken,
      body: { parentId: root },
    });
    assert.equal(self.status, 409);
    assert.equal(self.body.code, 'GROUP_CYCLE');
    const rootName = (await t.request('GET', `/api/admin/groups/${root}`, { token: t.adminToken })).body.name as string;
    const dup = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: rootName.toUpperCase() },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, 'NAME_TAKEN');
    assert.equal(
      (await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: 'x', parentId: 'nope' } }))
        .status,
      400,
    );
  });

  test('members: add, count, list, remove; deleting a group keeps its users and lifts its sub-groups', async () => {
    const t = tt();
    const parent = await make(t, '/api/admin/groups', { name: unique('P') });
    const group = await make(t, '/api/admin/groups', { name: unique('G'), parentId: parent });
    const sub = await make(t, '/api/admin/groups', { name: unique('S'), parentId: group });
    const u = await userWith(t);
    assert.equal(
      (await t.request('POST', `/api/admin/groups/${group}/members`, { token: t.adminToken, body: { userId: u.id } }))
        .status,
      204,
    );
    assert.equal((await t.request('GET', `/api/admin/groups/${group}`, { token: t.adminToken })).body.memberCount, 1);
    const members = await t.request('GET', `/api/admin/groups/${group}/members`, { token: t.adminToken });
    assert.deepEqual(
      members.body.items.map((m: { id: string }) => m.id),
      [u.id],
    );
    assert.equal((await t.request('GET', `/api/admin/users/${u.id}`, { token: t.adminToken })).body.stats.groups, 1);
    assert.equal((await t.request('DELETE', `/api/admin/groups/${group}`, { token: t.adminToken })).status, 204);
    assert.equal((await t.request('GET', `/api/admin/users/${u.id}`, { token: t.adminToken })).body.groups.length, 0);
    assert.equal((await t.request('GET', `/api/admin/groups/${sub}`, { token: t.adminToken })).body.parentId, parent);
    assert.equal(
      (await t.request('DELETE', `/api/admin/groups/${sub}/members/${u.id}`, { token: t.adminToken })).status,
      404,
    );
  });

  test('roles: catalogue permissions only; built-ins cannot be deleted, renamed or stripped', async () => {
    const t = tt();
    const bad = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: unique('R'), permissions: ['users:read', 'root:all'] },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].path, /permissions/);
    const roles = await t.request('GET', '/api/admin/roles', { token: t.adminToken });
    const admin = roles.body.items.find((r: { name: string }) => r.name === 'Admin');
    const user = roles.body.items.find((r: { name: string }) => r.name === 'User');
    assert.equal(admin.builtIn, true);
    // Admin holds the whole catalogue, whatever it grows to.
    assert.deepEqual([...admin.permissions].sort(), [...permissions].sort());
    assert.deepEqual(user.permissions, []);
    for (const id of [admin.id, user.id]) {
      const del = await t.request('DELETE', `/api/admin/roles/${id}`, { token: t.adminToken });
      assert.equal(del.status, 403);
      assert.equal(del.body.code, 'ROLE_BUILT_IN');
      assert.equal(
        (await t.request('PATCH', `/api/admin/roles/${id}`, { token: t.adminToken, body: { permissions: [] } })).status,
        403,
      );
      assert.equal(
        (await t.request('PATCH', `/api/admin/roles/${id}`, { token: t.adminToken, body: { name: 'Renamed' } })).status,
        403,
      );
    }
    const custom = await make(t, '/api/admin/roles', { name: unique('Auditor'), permissions: ['events:read'] });
    const edited = await t.request('PATCH', `/api/admin/roles/${custom}`, {
      token: t.adminToken,
      body: { permissions: ['events:read', 'users:read'] },
    });
    assert.deepEqual(edited.body.permissions, ['events:read', 'users:read']);
    assert.equal((await t.request('DELETE', `/api/admin/roles/${custom}`, { token: t.adminToken })).status, 204);
  });

  test('effective permissions explain each path: direct role, group → parent group → role', async () => {
    const t = tt();
    const helpdesk = await make(t, '/api/admin/roles', {
      name: unique('Helpdesk'),
      permissions: ['users:read', 'users:write'],
    });
    const auditor = await make(t, '/api/admin/roles', {
      name: unique('Auditor'),
      permissions: ['events:read', 'users:read'],
    });
    const parent = await make(t, '/api/admin/groups', { name: unique('Support') });
    const child = await make(t, '/api/admin/groups', { name: unique('Tier1'), parentId: parent });
    await t.request('PUT', `/api/admin/groups/${parent}/roles`, { token: t.adminToken, body: { roleIds: [helpdesk] } });
    const u = await userWith(t, { groupIds: [child] });
    await t.request('PUT', `/api/admin/users/${u.id}/roles`, { token: t.adminToken, body: { roleIds: [auditor] } });
    const r = await t.request('GET', `/api/admin/users/${u.id}/permissions`, { token: t.adminToken });
    assert.equal(r.status, 200);
    const byPermission = Object.fromEntries(
      r.body.items.map((i: { permission: string; grants: unknown[] }) => [i.permission, i.grants]),
    );
    assert.deepEqual(Object.keys(byPermission).sort(), ['events:read', 'users:read', 'users:write']);
    const read = byPermission['users:read'] as Array<{ via: string; groupPath?: string }>;
    assert.equal(read.length, 2);
    assert.ok(read.some((g) => g.via === 'direct'));
    const viaGroup = read.find((g) => g.via === 'group');
    assert.match(viaGroup?.groupPath ?? '', /^Support.* > Tier1/);
    const me = await t.request('GET', '/api/me', { token: u.token });
    assert.deepEqual(me.body.permissions, ['users:read', 'users:write', 'events:read']);
    const list = await t.request('GET', '/api/admin/users', { token: u.token });
    assert.equal(list.status, 200, 'a helpdesk user through a nested group can list users');
  });

  test('nobody grants a role it does not hold (authentik CVE-2024-37905, Keycloak CVE-2024-3656)', async () => {
    const t = tt();
    const helpdeskRole = await make(t, '/api/admin/roles', {
      name: unique('Desk'),
      permissions: ['users:read', 'users:write', 'groups:write', 'roles:write'],
    });
    const desk = await userWith(t, { roleIds: [helpdeskRole] });
    const victim = await userWith(t);
    const admin = 'role-admin';
    const selfGrant = await t.request('PUT', `/api/admin/users/${desk.id}/roles`, {
      token: desk.token,
      body: { roleIds: [helpdeskRole, admin] },
    });
    assert.equal(selfGrant.status, 403);
    assert.equal(selfGrant.body.code, 'ESCALATION_DENIED');
    assert.equal(
      (await t.request('PUT', `/api/admin/users/${victim.id}/roles`, { token: desk.token, body: { roleIds: [admin] } }))
        .status,
      403,
    );
    const makeRole = await t.request('POST', '/api/admin/roles', {
      token: desk.token,
      body: { name: unique('Sneaky'), permissions: ['settings:write'] },
    });
    assert.equal(makeRole.status, 403, 'a role with permissions the creator lacks');
    assert.equal(makeRole.body.code, 'ESCALATION_DENIED');
    const adminGroup = await make(t, '/api/admin/groups', { name: unique('Admins') });
    await t.request('PUT', `/api/admin/groups/${adminGroup}/roles`, {
      token: t.adminToken,
      body: { roleIds: [admin] },
    });
    const join = await t.request('POST', `/api/admin/groups/${adminGroup}/members`, {
      token: desk.token,
      body: { userId: desk.id },
    });
    assert.equal(join.status, 403, 'joining a group that grants Admin is granting Admin');
    assert.equal(join.body.code, 'ESCALATION_DENIED');
    const plain = await make(t, '/api/admin/groups', { name: unique('Plain') }, desk.token);
    const grantToGroup = await t.request('PUT', `/api/admin/groups/${plain}/roles`, {
      token: desk.token,
      body: { roleIds: [admin] },
    });
    assert.equal(grantToGroup.status, 403);
    const nest = await t.request('PATCH', `/api/admin/groups/${plain}`, {
      token: desk.token,
      body: { parentId: adminGroup },
    });
    assert.equal(nest.status, 403, 'moving a group under one that grants Admin');
    assert.equal(nest.body.code, 'ESCALATION_DENIED');
    const createAdmin = await t.request('POST', '/api/admin/users', {
      token: desk.token,
      body: { username: unique('evil'), roleIds: [admin] },
    });
    assert.equal(createAdmin.status, 403);
    const adminUser = await userWith(t, { roleIds: [admin] });
    const copy = await t.request('POST', `/api/admin/users/${desk.id}/access/copy`, {
      token: desk.token,
      body: { fromUserId: adminUser.id },
    });
    assert.equal(copy.status, 403, 'copying access from an admin');
    const still = await t.request('GET', '/api/me', { token: desk.token });
    assert.ok(!still.body.permissions.includes('settings:write'));
    assert.equal((await t.request('GET', `/api/admin/users/${desk.id}`, { token: t.adminToken })).body.roles.length, 1);
  });

  test('copy access gives B the roles, groups and organization memberships of A in one step', async () => {
    const t = tt();
    const role = await make(t, '/api/admin/roles', { name: unique('Viewer'), permissions: ['users:read'] });
    const group = await make(t, '/api/admin/groups', { name: unique('Sales') });
    const org = await make(t, '/api/admin/organizations', { name: unique('Acme') });
    const a = await userWith(t, { roleIds: [role], groupIds: [group], organizationId: org });
    const b = await userWith(t);
    const r = await t.request('POST', `/api/admin/users/${b.id}/access/copy`, {
      token: t.adminToken,
      body: { fromUserId: a.id },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { roles: 1, groups: 1, organizations: 1 });
    const got = (await t.request('GET', `/api/admin/users/${b.id}`, { token: t.adminToken })).body;
    assert.deepEqual([got.roles.length, got.groups.length, got.organizations.length], [1, 1, 1]);
    assert.equal(
      (
        await t.request('POST', `/api/admin/users/${b.id}/access/copy`, {
          token: t.adminToken,
          body: { fromUserId: 'missing' },
        })
      ).status,
      404,
    );
  });

  test('requireGroup: new users land in the default group; the last group cannot be removed (409)', async () => {
    const t = tt();
    const refused = await t.request('PATCH', '/api/admin/settings', {
      token: t.adminToken,
      body: { requireGroup: true },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].path, 'defaultGroupId');
    assert.equal(
      (await t.request('PATCH', '/api/admin/settings', { token: t.adminToken, body: { defaultGroupId: 'nope' } }))
        .status,
      400,
    );
    const def = await make(t, '/api/admin/groups', { name: unique('Everyone') });
    const on = await t.request('PATCH', '/api/admin/settings', {
      token: t.adminToken,
      body: { requireGroup: true, defaultGroupId: def },
    });
    assert.equal(on.status, 200);
    const u = await userWith(t);
    const got = (await t.request('GET', `/api/admin/users/${u.id}`, { token: t.adminToken })).body;
    assert.deepEqual(
      got.groups.map((g: { id: string }) => g.id),
      [def],
    );
    const last = await t.request('DELETE', `/api/admin/groups/${def}/members/${u.id}`, { token: t.adminToken });
    assert.equal(last.status, 409);
    assert.equal(last.body.code, 'GROUP_REQUIRED');
    assert.match(last.body.detail, /last group/);
    const defaultGroup = await t.request('DELETE', `/api/admin/groups/${def}`, { token: t.adminToken });
    assert.equal(defaultGroup.status, 409);
    assert.equal(defaultGroup.body.code, 'GROUP_REQUIRED');
    await t.request('PATCH', '/api/admin/settings', { token: t.adminToken, body: { requireGroup: false } });
    assert.equal(
      (await t.request('DELETE', `/api/admin/groups/${def}/members/${u.id}`, { token: t.adminToken })).status,
      204,
    );
  });

  test('q matches group, role and organization names; filters follow membership changes', async () => {
    const t = tt();
    const tag = unique('zz').toLowerCase();
    const group = await make(t, '/api/admin/groups', { name: `Falcon${tag}` });
    const role = await make(t, '/api/admin/roles', { name: `Heron${tag}`, permissions: [] });
    const org = await make(t, '/api/admin/organizations', { name: `Osprey${tag}` });
    const u = await userWith(t);
    const find = async (q: string) =>
      (await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q } })).body.items.map(
        (x: { id: string }) => x.id,
      );
    assert.deepEqual(await find(`falcon${tag}`), []);
    await t.request('POST', `/api/admin/groups/${group}/members`, { token: t.adminToken, body: { userId: u.id } });
    await t.request('PUT', `/api/admin/groups/${group}/roles`, { token: t.adminToken, body: { roleIds: [role] } });
    await t.request('POST', `/api/admin/organizations/${org}/members`, { token: t.adminToken, body: { userId: u.id } });
    assert.deepEqual(await find(`falcon${tag}`), [u.id]);
    assert.deepEqual(await find(`heron${tag}`), [u.id], 'a role held through a group');
    assert.deepEqual(await find(`osprey${tag}`), [u.id]);
    await t.request('PATCH', `/api/admin/groups/${group}`, { token: t.adminToken, body: { name: `Kestrel${tag}` } });
    assert.deepEqual(await find(`falcon${tag}`), []);
    assert.deepEqual(await find(`kestrel${tag}`), [u.id], 'a group rename reaches its members');
    const filter = async (query: Record<string, string>) =>
      (await t.request('GET', '/api/admin/users', { token: t.adminToken, query })).body.items.map(
        (x: { id: string }) => x.id,
      );
    assert.deepEqual(await filter({ group }), [u.id]);
    assert.deepEqual(await filter({ role }), [u.id]);
    assert.deepEqual(await filter({ organization: org }), [u.id]);
    await t.request('DELETE', `/api/admin/groups/${group}/members/${u.id}`, { token: t.adminToken });
    assert.deepEqual(await filter({ group }), []);
    assert.deepEqual(await filter({ role }), []);
    assert.deepEqual(await find(`heron${tag}`), []);
  });

  test('folders and type: move a user between folders, convert internal ↔ external', async () => {
    const t = tt();
    const u = await userWith(t, { path: 'users/staff' });
    const moved = await t.request('PATCH', `/api/admin/users/${u.id}`, {
      token: t.adminToken,
      body: { path: 'users/alumni', type: 'external' },
    });
    assert.equal(moved.body.path, 'users/alumni');
    assert.equal(moved.body.type, 'external');
    const inFolder = await t.request('GET', '/api/admin/users', {
      token: t.adminToken,
      query: { path: 'users/alumni', type: 'external' },
    });
    assert.ok(inFolder.body.items.some((x: { id: string }) => x.id === u.id));
    assert.equal(
      (await t.request('PATCH', `/api/admin/users/${u.id}`, { token: t.adminToken, body: { path: '../etc' } })).status,
      400,
    );
  });
});

describeBothDialects('the last administrator', (tt) => {
  test('the last active administrator cannot lose the Admin role', async () => {
    const t = tt();
    // Its own app: other suites create more admins, and a demoted admin would break the tests after it.
    const r = await t.request('PUT', `/api/admin/users/${t.adminId}/roles`, {
      token: t.adminToken,
      body: { roleIds: [] },
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'LAST_ADMIN');
  });
});

describeBothDialects('delegated organization admins', (tt) => {
  test('an organization admin manages its members only; others are 404 (Zitadel CVE-2025-27507, authentik CVE-2024-42490)', async () => {
    const t = tt();
    const orgAdminRole = await make(t, '/api/admin/roles', {
      name: unique('OrgAdmin'),
      permissions: ['users:read', 'users:write', 'users:delete', 'organizations:read', 'organizations:write'],
    });
    const mine = await make(t, '/api/admin/organizations', { name: unique('Mine') });
    const theirs = await make(t, '/api/admin/organizations', { name: unique('Theirs') });
    const boss = await userWith(t);
    await t.request('POST', `/api/admin/organizations/${mine}/members`, {
      token: t.adminToken,
      body: { userId: boss.id, roleIds: [orgAdminRole] },
    });
    const inside = await userWith(t, { organizationId: mine });
    const outside = await userWith(t, { organizationId: theirs });
    const loner = await userWith(t);
    const list = await t.request('GET', '/api/admin/users', { token: boss.token, query: { limit: '200' } });
    assert.equal(list.status, 200);
    const ids = list.body.items.map((u: { id: string }) => u.id).sort();
    assert.deepEqual(ids, [boss.id, inside.id].sort());
    for (const target of [outside.id, loner.id, t.adminId]) {
      assert.equal((await t.request('GET', `/api/admin/users/${target}`, { token: boss.token })).status, 404);
      assert.equal(
        (await t.request('PATCH', `/api/admin/users/${target}`, { token: boss.token, body: { displayName: 'pwned' } }))
          .status,
        404,
      );
      assert.equal((await t.request('POST', `/api/admin/users/${target}/disable`, { token: boss.token })).status, 404);
      assert.equal(
        (
          await t.request('POST', `/api/admin/users/${target}/password`, {
            token: boss.token,
            body: { generate: true },
          })
        ).status,
        404,
      );
      assert.equal((await t.request('DELETE', `/api/admin/users/${target}`, { token: boss.token })).status, 404);
      assert.equal(
        (await t.request('GET', `/api/admin/users/${target}/permissions`, { token: boss.token })).status,
        404,
      );
    }
    assert.equal(
      (
        await t.request('PATCH', `/api/admin/users/${inside.id}`, {
          token: boss.token,
          body: { displayName: 'Managed' },
        })
      ).status,
      200,
    );
    assert.equal((await t.request('POST', `/api/admin/users/${inside.id}/disable`, { token: boss.token })).status, 200);
    const orgs = await t.request('GET', '/api/admin/organizations', { token: boss.token });
    assert.deepEqual(
      orgs.body.items.map((o: { id: string }) => o.id),
      [mine],
    );
    assert.equal(
      (await t.request('GET', `/api/admin/organizations/${theirs}/members`, { token: boss.token })).status,
      404,
    );
    assert.equal(
      (
        await t.request('POST', `/api/admin/organizations/${mine}/members`, {
          token: boss.token,
          body: { userId: loner.id },
        })
      ).status,
      404,
      'cannot pull an outsider in',
    );
    const created = await t.request('POST', '/api/admin/users', {
      token: boss.token,
      body: { username: unique('hire'), organizationId: mine },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      created.body.organizations.map((o: { id: string }) => o.id),
      [mine],
    );
    const elsewhere = await t.request('POST', '/api/admin/users', {
      token: boss.token,
      body: { username: unique('hire'), organizationId: theirs },
    });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.code, 'ORGANIZATION_SCOPE');
    const nowhere = await t.request('POST', '/api/admin/users', {
      token: boss.token,
      body: { username: unique('hire') },
    });
    assert.equal(nowhere.status, 403);
    assert.equal(nowhere.body.code, 'ORGANIZATION_SCOPE');
    assert.equal(
      (await t.request('POST', '/api/admin/organizations', { token: boss.token, body: { name: 'New' } })).status,
      403,
    );
    const grantAdmin = await t.request('POST', `/api/admin/organizations/${mine}/members`, {
      token: boss.token,
      body: { userId: inside.id, roleIds: ['role-admin'] },
    });
    assert.equal(grantAdmin.status, 403, 'an organization admin cannot hand out Admin');
    assert.equal(grantAdmin.body.code, 'ESCALATION_DENIED');
    const createOrg = await t.request('POST', '/api/admin/organizations', { token: boss.token, body: { name: 'New' } });
    assert.equal(createOrg.body.code, 'ORGANIZATION_SCOPE');
    const leave = await t.request('DELETE', `/api/admin/organizations/${mine}/members/${boss.id}`, {
      token: boss.token,
    });
    assert.equal(leave.status, 403, JSON.stringify(leave.body));
    assert.equal(leave.body.code, 'CANNOT_DELETE_SELF');
  });

  test('NAME_TAKEN: a role name and an organization slug are unique', async () => {
    const t = tt();
    const name = unique('Taken');
    await make(t, '/api/admin/roles', { name, permissions: [] });
    const role = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: name.toUpperCase(), permissions: [] },
    });
    assert.equal(role.status, 409);
    assert.equal(role.body.code, 'NAME_TAKEN');
    assert.equal(role.body.errors[0].path, 'name');
    const org = await t.request('POST', '/api/admin/organizations', { token: t.adminToken, body: { name } });
    const again = await t.request('POST', '/api/admin/organizations', {
      token: t.adminToken,
      body: { name: unique('Other'), slug: org.body.slug },
    });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, 'NAME_TAKEN');
  });
});
