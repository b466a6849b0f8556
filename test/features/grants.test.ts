/**
 * services.accessWrites (with services.grants for whole sets), the one way any door (creation, invitations, copy access) grants access inside a transaction:
 * no escalation (authentik CVE-2024-37905, Keycloak CVE-2024-3656), unknown ids named, audited, searchable.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessOf } from '../../src/features/access/access.service.ts';
import type { Caller } from '../../src/features/access/caller.ts';
import { builtInRoleIds } from '../../src/features/access/permissions.ts';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';

async function callerFor(app: TestApp['app'], userId: string): Promise<Caller> {
  const access = await accessOf(app.services.db, userId);
  const actor = { type: 'user', id: userId, name: userId, ip: null, userAgent: null } as Caller['actor'];
  return { actor, access, user: { id: userId } };
}

async function failure(p: Promise<unknown>): Promise<{ code: string; status: number; errors?: { path: string }[] }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; status: number; errors?: { path: string }[] };
  }
  throw new Error('expected the grant to be refused');
}

describeBothDialects('grants service', (t) => {
  async function setup() {
    const { request, adminToken, createUser, app } = t();
    const role = await request('POST', '/api/admin/roles', {
      token: adminToken,
      body: { name: unique('Helpdesk'), permissions: ['users:read', 'users:write'] },
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const granter = await createUser({ username: unique('granter') });
    const put = await request('PUT', `/api/admin/users/${granter}/roles`, {
      token: adminToken,
      body: { roleIds: [role.body.id] },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const target = await createUser({ username: unique('target') });
    return { app, request, adminToken, role: role.body, granter, target };
  }

  test('a caller grants a role it holds; the grant is audited and searchable in the same transaction', async () => {
    const { app, request, adminToken, role, granter, target } = await setup();
    const caller = await callerFor(app, granter);
    await app.services.db
      .transaction()
      .execute((trx) => app.services.accessWrites.grantRoles(trx, caller, target, [role.id]));
    const perms = await request('GET', `/api/admin/users/${target}/permissions`, { token: adminToken });
    assert.equal(perms.status, 200);
    assert.ok(JSON.stringify(perms.body).includes('users:write'));
    const found = await request('GET', '/api/admin/users', { token: adminToken, query: { q: role.name } });
    assert.ok(
      found.body.items.some((u: { id: string }) => u.id === target),
      'search finds the role name',
    );
    const events = await app.services.db
      .selectFrom('events')
      .select('action')
      .where('action', '=', 'user.roles.grant')
      .execute();
    assert.ok(events.length > 0, 'the grant is audited');
  });

  test('CVE-2024-37905 / CVE-2024-3656: nobody grants Admin, a stronger role or such a group, and nothing is written', async () => {
    const { app, request, adminToken, granter, target } = await setup();
    const caller = await callerFor(app, granter);
    const db = app.services.db;
    const admin = await failure(
      db
        .transaction()
        .execute((trx) => app.services.accessWrites.grantRoles(trx, caller, target, [builtInRoleIds.admin])),
    );
    assert.equal(admin.code, 'ESCALATION_DENIED');
    const strong = await request('POST', '/api/admin/roles', {
      token: adminToken,
      body: { name: unique('Keys'), permissions: ['api-keys:manage'] },
    });
    const group = await request('POST', '/api/admin/groups', { token: adminToken, body: { name: unique('Ops') } });
    const child = await request('POST', '/api/admin/groups', {
      token: adminToken,
      body: { name: unique('OpsChild'), parentId: group.body.id },
    });
    await request('PUT', `/api/admin/groups/${group.body.id}/roles`, {
      token: adminToken,
      body: { roleIds: [strong.body.id] },
    });
    // The child grants nothing itself: its parent does, and joining it passes that on.
    const viaParent = await failure(
      db.transaction().execute((trx) => app.services.accessWrites.addToGroups(trx, caller, target, [child.body.id])),
    );
    assert.equal(viaParent.code, 'ESCALATION_DENIED');
    const perms = await request('GET', `/api/admin/users/${target}/permissions`, { token: adminToken });
    assert.deepEqual(perms.body.items, []);
    const check = await failure(app.services.grants.check(db, caller, { groupIds: [child.body.id] }));
    assert.equal(check.code, 'ESCALATION_DENIED');
  });

  test('unknown role, group and organization ids are refused naming the field', async () => {
    const { app, granter, target } = await setup();
    const caller = await callerFor(app, granter);
    const db = app.services.db;
    const role = await failure(
      db.transaction().execute((trx) => app.services.accessWrites.grantRoles(trx, caller, target, ['nope'])),
    );
    assert.equal(role.status, 400);
    assert.equal(role.errors?.[0]?.path, 'roleIds.0');
    const group = await failure(
      db.transaction().execute((trx) => app.services.accessWrites.addToGroups(trx, caller, target, ['nope'])),
    );
    assert.equal(group.errors?.[0]?.path, 'groupIds.0');
    const org = await failure(
      db.transaction().execute((trx) => app.services.accessWrites.addToOrganization(trx, caller, 'nope', target)),
    );
    assert.equal(org.errors?.[0]?.path, 'organizationId');
  });

  test('an organization role is grantable by a delegated admin in its organization only', async () => {
    const { app, request, adminToken, role, target } = await setup();
    const org = await request('POST', '/api/admin/organizations', { token: adminToken, body: { name: unique('Org') } });
    const other = await request('POST', '/api/admin/organizations', {
      token: adminToken,
      body: { name: unique('Org') },
    });
    const orgAdminRole = await request('POST', '/api/admin/roles', {
      token: adminToken,
      body: {
        name: unique('OrgAdmin'),
        permissions: ['users:read', 'users:write', 'organizations:read', 'organizations:write'],
      },
    });
    const orgAdmin = await t().createUser({ username: unique('orgadmin') });
    const add = await request('POST', `/api/admin/organizations/${org.body.id}/members`, {
      token: adminToken,
      body: { userId: orgAdmin, roleIds: [orgAdminRole.body.id] },
    });
    assert.ok(add.status < 300, JSON.stringify(add.body));
    const caller = await callerFor(app, orgAdmin);
    const db = app.services.db;
    await db
      .transaction()
      .execute((trx) => app.services.accessWrites.addToOrganization(trx, caller, org.body.id, target, [role.id]));
    const elsewhere = await failure(
      db
        .transaction()
        .execute((trx) => app.services.accessWrites.addToOrganization(trx, caller, other.body.id, target, [role.id])),
    );
    assert.ok([403, 404].includes(elsewhere.status), String(elsewhere.status));
    // Holding users:write inside one organization is not holding it globally.
    const global = await failure(
      db.transaction().execute((trx) => app.services.accessWrites.grantRoles(trx, caller, target, [role.id])),
    );
    assert.equal(global.code, 'ESCALATION_DENIED');
  });
});
