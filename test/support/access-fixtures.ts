/** Roles, groups and organizations for the account-lifecycle tests, made through the admin API. */
import assert from 'node:assert/strict';
import { iso } from '../../src/clock.ts';
import { newId } from '../../src/crypto/tokens.ts';
import { type TestApp, unique } from '../harness.ts';

type Ref = { id: string; name: string };

/** What an importer holds: every directory write permission, not Admin (issue 23's escalation by import). */
export const importerPermissions = [
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'roles:read',
  'roles:write',
  'organizations:read',
  'organizations:write',
];

async function post(app: TestApp, method: string, url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await app.request(method, url, { token: app.adminToken, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const ref = (body: Record<string, unknown>): Ref => ({ id: String(body.id), name: String(body.name) });

export async function makeRole(app: TestApp, permissions: string[]): Promise<Ref> {
  return ref(await post(app, 'POST', '/api/admin/roles', { name: unique('Role'), permissions }));
}

export async function makeGroup(app: TestApp, options: { parentId?: string; roleIds?: string[] } = {}): Promise<Ref> {
  const group = ref(
    await post(app, 'POST', '/api/admin/groups', { name: unique('Group'), parentId: options.parentId }),
  );
  if (options.roleIds) await post(app, 'PUT', `/api/admin/groups/${group.id}/roles`, { roleIds: options.roleIds });
  return group;
}

export async function makeOrganization(app: TestApp): Promise<Ref> {
  return ref(await post(app, 'POST', '/api/admin/organizations', { name: unique('Org') }));
}

export async function giveRole(app: TestApp, userId: string, roleId: string): Promise<void> {
  await post(app, 'PUT', `/api/admin/users/${userId}/roles`, { roleIds: [roleId] });
}

/** Makes a user a member of an organization holding a role there (an organization admin's delegated access). */
export async function giveOrganizationRole(app: TestApp, userId: string, organizationId: string, roleId: string) {
  await post(app, 'POST', `/api/admin/organizations/${organizationId}/members`, { userId, roleIds: [roleId] });
}

/**
 * A signed-in user holding exactly `permissions` through a role of its own, written as rows so that a test of one
 * route depends on no other route than user creation and sign-in.
 */
export async function userHolding(app: TestApp, permissions: string[], password: string) {
  const username = unique('holder');
  const id = await app.createUser({ username, password });
  const roleId = newId();
  const name = unique('role');
  await app.app.services.db
    .insertInto('roles')
    .values({
      id: roleId,
      name,
      name_key: name.toLowerCase(),
      description: null,
      permissions: JSON.stringify(permissions),
      built_in: 0,
      created_at: iso(new Date()),
    })
    .execute();
  await app.app.services.db.insertInto('user_roles').values({ user_id: id, role_id: roleId }).execute();
  return { id, token: await app.signIn(username, password) };
}
