/**
 * The directory follows access: `role` finds users holding a role through a parent group, `q` finds them by
 * the names of their groups, roles and organizations, both stay right after memberships and names change;
 * folders are listed with counts, within a delegated admin's scope.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';

async function ids(t: TestApp, query: Record<string, string>, token = t.adminToken): Promise<string[]> {
  const r = await t.request('GET', '/api/admin/users', { token, query: { limit: '200', ...query } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items.map((u: { id: string }) => u.id);
}

describeBothDialects('directory filters and folders', (tt) => {
  test('role filter and q find a role held through a parent group, and forget it when the membership ends', async () => {
    const t = tt();
    const admin = async (method: string, url: string, body?: unknown) => {
      const r = await t.request(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) });
      assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const role = await admin('POST', '/api/admin/roles', { name: unique('Dispatcher'), permissions: ['users:read'] });
    const parent = await admin('POST', '/api/admin/groups', { name: unique('Operations') });
    const child = await admin('POST', '/api/admin/groups', { name: unique('Nightshift'), parentId: parent.id });
    await admin('PUT', `/api/admin/groups/${parent.id}/roles`, { roleIds: [role.id] });
    const member = await t.createUser({ username: unique('night'), groupIds: [child.id] });
    const bystander = await t.createUser({ username: unique('day') });
    const queries: Record<string, string>[] = [
      { role: role.id },
      { role: role.name.toUpperCase() },
      { q: role.name },
      { q: child.name },
    ];
    for (const query of queries) {
      const found = await ids(t, query);
      assert.ok(found.includes(member), `found by ${JSON.stringify(query)}`);
      assert.ok(!found.includes(bystander), `bystander not found by ${JSON.stringify(query)}`);
    }
    // Renaming the group renames what search finds, in the same transaction.
    const renamed = unique('Graveyard');
    await admin('PATCH', `/api/admin/groups/${child.id}`, { name: renamed });
    assert.ok((await ids(t, { q: renamed })).includes(member));
    assert.ok(!(await ids(t, { q: child.name })).includes(member));
    await admin('DELETE', `/api/admin/groups/${child.id}/members/${member}`);
    const gone: Record<string, string>[] = [{ role: role.id }, { q: role.name }, { q: renamed }, { group: child.id }];
    for (const query of gone) {
      assert.ok(!(await ids(t, query)).includes(member), `no longer found by ${JSON.stringify(query)}`);
    }
  });

  test('GET /api/admin/users/folders lists folders with own and total counts, within the caller’s scope', async () => {
    const t = tt();
    const root = unique('dept');
    for (const path of [`${root}/a/x`, `${root}/a/x`, `${root}/a`, `${root}/b`]) {
      await t.createUser({ username: unique('f'), path });
    }
    const r = await t.request('GET', '/api/admin/users/folders', { token: t.adminToken });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const mine = r.body.items.filter((f: { path: string }) => f.path.startsWith(root));
    assert.deepEqual(mine, [
      { path: root, users: 0, total: 4 },
      { path: `${root}/a`, users: 1, total: 3 },
      { path: `${root}/a/x`, users: 2, total: 2 },
      { path: `${root}/b`, users: 1, total: 1 },
    ]);
    const moved = (await ids(t, { path: `${root}/a/x` }))[0] as string;
    await t.request('PATCH', `/api/admin/users/${moved}`, { token: t.adminToken, body: { path: `${root}/b` } });
    const after = await t.request('GET', '/api/admin/users/folders', { token: t.adminToken });
    const b = after.body.items.find((f: { path: string }) => f.path === `${root}/b`);
    assert.deepEqual(b, { path: `${root}/b`, users: 2, total: 2 });

    // An organization admin sees the folders of its own members only.
    const org = await t.request('POST', '/api/admin/organizations', {
      token: t.adminToken,
      body: { name: unique('Org') },
    });
    const orgRole = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: unique('OrgReader'), permissions: ['users:read'] },
    });
    const bossName = unique('boss');
    const boss = await t.createUser({ username: bossName, password: 'folders password', path: `${root}/org` });
    await t.request('POST', `/api/admin/organizations/${org.body.id}/members`, {
      token: t.adminToken,
      body: { userId: boss, roleIds: [orgRole.body.id] },
    });
    const token = await t.signIn(bossName, 'folders password');
    const scoped = await t.request('GET', '/api/admin/users/folders', { token });
    assert.equal(scoped.status, 200);
    assert.deepEqual(
      scoped.body.items.filter((f: { path: string }) => f.path.startsWith(root)),
      [
        { path: root, users: 0, total: 1 },
        { path: `${root}/org`, users: 1, total: 1 },
      ],
    );
  });
});
