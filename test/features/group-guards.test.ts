/**
 * What groups may not be used for: taking away a role the caller does not hold (deleting a group is taking its
 * roles from every member), and leaving the service without an active administrator.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemCaller } from '../../src/features/access/caller.ts';
import { builtInRoleIds } from '../../src/features/access/permissions.ts';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';

const password = 'group guards password';

async function as(t: TestApp, extra: Record<string, unknown>) {
  const username = unique('g');
  const id = await t.createUser({ username, password, ...extra });
  return { id, token: await t.signIn(username, password) };
}

describeBothDialects('group guards', (tt) => {
  test('a helpdesk with groups:write deletes a group granting its own role, not one granting a stronger role (CVE-2024-37905)', async () => {
    const t = tt();
    const admin = async (method: string, url: string, body?: unknown) =>
      (await t.request(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) })).body;
    const helpdeskRole = await admin('POST', '/api/admin/roles', {
      name: unique('GroupKeeper'),
      permissions: ['groups:read', 'groups:write', 'users:read', 'users:write'],
    });
    const keysRole = await admin('POST', '/api/admin/roles', {
      name: unique('Keys'),
      permissions: ['api-keys:manage'],
    });
    const helpdesk = await as(t, { roleIds: [helpdeskRole.id] });
    const strong = await admin('POST', '/api/admin/groups', { name: unique('Strong') });
    const admins = await admin('POST', '/api/admin/groups', { name: unique('Admins') });
    const weak = await admin('POST', '/api/admin/groups', { name: unique('Weak') });
    await admin('PUT', `/api/admin/groups/${strong.id}/roles`, { roleIds: [keysRole.id] });
    await admin('PUT', `/api/admin/groups/${admins.id}/roles`, { roleIds: [builtInRoleIds.admin] });
    await admin('PUT', `/api/admin/groups/${weak.id}/roles`, { roleIds: [helpdeskRole.id] });
    const member = await t.createUser({ username: unique('member'), groupIds: [strong.id, admins.id] });
    for (const group of [strong, admins]) {
      const r = await t.request('DELETE', `/api/admin/groups/${group.id}`, { token: helpdesk.token });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal((await t.request('GET', `/api/admin/groups/${group.id}`, { token: t.adminToken })).status, 200);
      const out = await t.request('DELETE', `/api/admin/groups/${group.id}/members/${member}`, {
        token: helpdesk.token,
      });
      assert.equal(out.status, 403, 'nor take the member out of it');
    }
    const perms = await t.request('GET', `/api/admin/users/${member}/permissions`, { token: t.adminToken });
    assert.ok(JSON.stringify(perms.body).includes('api-keys:manage'), 'the member keeps what the group grants');
    assert.equal((await t.request('DELETE', `/api/admin/groups/${weak.id}`, { token: helpdesk.token })).status, 204);
  });

  test('requireGroup: deleting the only group of a member is refused (409) until the member has another', async () => {
    const t = tt();
    const fallback = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: unique('All') },
    });
    const only = await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: unique('Only') } });
    const member = await t.createUser({ username: unique('only'), groupIds: [only.body.id] });
    const on = await t.request('PATCH', '/api/admin/settings', {
      token: t.adminToken,
      body: { requireGroup: true, defaultGroupId: fallback.body.id },
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    try {
      const refused = await t.request('DELETE', `/api/admin/groups/${only.body.id}`, { token: t.adminToken });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'GROUP_REQUIRED');
      assert.match(refused.body.detail, /only group of 1 member/);
      assert.equal((await t.request('GET', `/api/admin/groups/${only.body.id}`, { token: t.adminToken })).status, 200);
      await t.request('POST', `/api/admin/groups/${fallback.body.id}/members`, {
        token: t.adminToken,
        body: { userId: member },
      });
      const done = await t.request('DELETE', `/api/admin/groups/${only.body.id}`, { token: t.adminToken });
      assert.equal(done.status, 204, JSON.stringify(done.body));
    } finally {
      await t.request('PATCH', '/api/admin/settings', {
        token: t.adminToken,
        body: { requireGroup: false, defaultGroupId: null },
      });
    }
  });

  test('renaming a role held in an organization renames what search finds', async () => {
    const t = tt();
    const role = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: unique('Steward'), permissions: ['users:read'] },
    });
    const org = await t.request('POST', '/api/admin/organizations', {
      token: t.adminToken,
      body: { name: unique('O') },
    });
    const member = await t.createUser({ username: unique('steward') });
    await t.request('POST', `/api/admin/organizations/${org.body.id}/members`, {
      token: t.adminToken,
      body: { userId: member, roleIds: [role.body.id] },
    });
    const renamed = unique('Warden');
    const patch = await t.request('PATCH', `/api/admin/roles/${role.body.id}`, {
      token: t.adminToken,
      body: { name: renamed },
    });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    const found = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: renamed } });
    assert.deepEqual(
      found.body.items.map((u: { id: string }) => u.id),
      [member],
    );
  });

  test('an unknown parentId is a 400 naming the field, on create and on move', async () => {
    const t = tt();
    const create = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: unique('Orphan'), parentId: 'no-such-group' },
    });
    assert.equal(create.status, 400, JSON.stringify(create.body));
    assert.equal(create.body.errors[0].path, 'parentId');
    const group = await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: unique('G') } });
    const move = await t.request('PATCH', `/api/admin/groups/${group.body.id}`, {
      token: t.adminToken,
      body: { parentId: 'no-such-group' },
    });
    assert.equal(move.status, 400, JSON.stringify(move.body));
    assert.equal(move.body.errors[0].path, 'parentId');
  });

  test('requireGroup needs an existing defaultGroupId, named in the 400', async () => {
    const t = tt();
    const none = await t.request('PATCH', '/api/admin/settings', { token: t.adminToken, body: { requireGroup: true } });
    assert.equal(none.status, 400, JSON.stringify(none.body));
    assert.equal(none.body.errors[0].path, 'defaultGroupId');
    const missing = await t.request('PATCH', '/api/admin/settings', {
      token: t.adminToken,
      body: { requireGroup: true, defaultGroupId: 'no-such-group' },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].path, 'defaultGroupId');
    const settings = await t.request('GET', '/api/admin/settings', { token: t.adminToken });
    assert.equal(settings.body.requireGroup, false, 'a refused change changes nothing');
  });
});

describeBothDialects('the last administrator through a group', (tt) => {
  test('the last active administrator keeps Admin: its group cannot lose it, the role or its existence (409)', async () => {
    const t = tt();
    const group = await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: unique('Root') } });
    await t.request('PUT', `/api/admin/groups/${group.body.id}/roles`, {
      token: t.adminToken,
      body: { roleIds: [builtInRoleIds.admin] },
    });
    const second = await as(t, { groupIds: [group.body.id] });
    // The bootstrap admin gives up its direct Admin role: the group's member is now the only administrator.
    const demote = await t.request('PUT', `/api/admin/users/${t.adminId}/roles`, {
      token: second.token,
      body: { roleIds: [] },
    });
    assert.equal(demote.status, 200, JSON.stringify(demote.body));
    const attempts: [string, string, unknown][] = [
      ['DELETE', `/api/admin/groups/${group.body.id}/members/${second.id}`, undefined],
      ['PUT', `/api/admin/groups/${group.body.id}/roles`, { roleIds: [] }],
      ['DELETE', `/api/admin/groups/${group.body.id}`, undefined],
    ];
    for (const [method, url, body] of attempts) {
      const r = await t.request(method, url, { token: second.token, body });
      assert.equal(r.status, 409, `${method} ${url}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, 'LAST_ADMIN');
      assert.match(r.body.detail, /administrator/);
    }
    const still = await t.request('GET', '/api/admin/settings', { token: second.token });
    assert.equal(still.status, 200, 'the group still makes its member an administrator');
    // With another administrator in place the same removal is fine.
    await t.request('PUT', `/api/admin/users/${t.adminId}/roles`, {
      token: second.token,
      body: { roleIds: [builtInRoleIds.admin] },
    });
    const out = await t.request('DELETE', `/api/admin/groups/${group.body.id}/members/${second.id}`, {
      token: t.adminToken,
    });
    assert.equal(out.status, 204, JSON.stringify(out.body));
  });

  test('LAST_ADMIN: the last administrator is not moved out of the group that makes it one, disabled or deleted', async () => {
    const t = tt();
    // Members of Child are administrators through its parent Root; the bootstrap admin steps down.
    const root = await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: unique('Root') } });
    await t.request('PUT', `/api/admin/groups/${root.body.id}/roles`, {
      token: t.adminToken,
      body: { roleIds: [builtInRoleIds.admin] },
    });
    const child = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: unique('Child'), parentId: root.body.id },
    });
    const only = await as(t, { groupIds: [child.body.id] });
    const demote = await t.request('PUT', `/api/admin/users/${t.adminId}/roles`, {
      token: only.token,
      body: { roleIds: [] },
    });
    assert.equal(demote.status, 200, JSON.stringify(demote.body));
    const move = await t.request('PATCH', `/api/admin/groups/${child.body.id}`, {
      token: only.token,
      body: { parentId: null },
    });
    assert.equal(move.status, 409, JSON.stringify(move.body));
    assert.equal(move.body.code, 'LAST_ADMIN');
    // Nobody else may disable or delete an administrator over HTTP (OUTRANKED, CANNOT_DELETE_SELF): the CLI may.
    const { lifecycle } = t.app.services;
    await assert.rejects(lifecycle.disable(systemCaller, only.id), { code: 'LAST_ADMIN' });
    await assert.rejects(lifecycle.delete(systemCaller, only.id), { code: 'LAST_ADMIN' });
    const still = await t.request('GET', '/api/admin/settings', { token: only.token });
    assert.equal(still.status, 200, 'still an administrator');
    await t.request('PUT', `/api/admin/users/${t.adminId}/roles`, {
      token: only.token,
      body: { roleIds: [builtInRoleIds.admin] },
    });
  });
});
