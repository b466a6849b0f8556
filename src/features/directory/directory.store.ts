/**
 * The only SQL that writes users, their roles, group memberships and organization memberships (test/unit/
 * write-path.test.ts holds every other file to it). Its callers are the write path's services in this folder,
 * which check the rules (scope, outrank, escalation, the last administrator) and audit each change in the same
 * transaction; a store function here checks nothing.
 */
import type { Db, UsersTable } from '../../db/database.ts';
import { insertRows } from '../../db/insert-rows.ts';
import { prepared } from '../../db/prepared.ts';

// Users.

const signInTime = prepared<{ id: string; at: string }>(['id', 'at'], (db, { id, at }) =>
  db.updateTable('users').set({ last_login_at: at }).where('id', '=', id),
);

export async function insertUser(db: Db, row: UsersTable): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUserRow(db: Db, id: string, values: Partial<UsersTable>): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

export async function recordSignInTime(db: Db, id: string, at: string): Promise<void> {
  await signInTime.run(db, { id, at });
}

export async function deleteUserRow(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Marks the phone verified only while it is still the number the code went to. */
export async function markPhoneVerified(db: Db, userId: string, phone: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ phone_verified: 1, updated_at: at })
    .where('id', '=', userId)
    .where('phone', '=', phone)
    .execute();
}

// Roles held directly.

export async function addUserRole(db: Db, userId: string, roleId: string): Promise<void> {
  await db
    .insertInto('user_roles')
    .values({ user_id: userId, role_id: roleId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function setUserRoleRows(db: Db, userId: string, roleIds: string[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roleIds.length > 0) {
    await db
      .insertInto('user_roles')
      .values(roleIds.map((role_id) => ({ user_id: userId, role_id })))
      .execute();
  }
}

// Group memberships.

export async function addMemberRow(db: Db, groupId: string, userId: string): Promise<boolean> {
  const r = await db
    .insertInto('group_members')
    .values({ group_id: groupId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function removeMemberRow(db: Db, groupId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// Organization memberships.

export async function upsertOrganizationMember(
  db: Db,
  organizationId: string,
  userId: string,
  at: string,
  roleIds: string[],
): Promise<void> {
  await db
    .insertInto('organization_members')
    .values({ organization_id: organizationId, user_id: userId, created_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .deleteFrom('organization_member_roles')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .execute();
  if (roleIds.length > 0) {
    await db
      .insertInto('organization_member_roles')
      .values(roleIds.map((role_id) => ({ organization_id: organizationId, user_id: userId, role_id })))
      .execute();
  }
}

export async function removeOrganizationMember(db: Db, organizationId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('organization_members')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Removes every role, group and organization membership of a still-invited placeholder user. */
export async function clearAccessOf(trx: Db, userId: string): Promise<void> {
  await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  await trx.deleteFrom('group_members').where('user_id', '=', userId).execute();
  await trx.deleteFrom('organization_member_roles').where('user_id', '=', userId).execute();
  await trx.deleteFrom('organization_members').where('user_id', '=', userId).execute();
}

// The import's batches.

const userColumns = [
  'id',
  'username',
  'username_key',
  'display_name',
  'email',
  'email_key',
  'email_verified',
  'phone',
  'phone_verified',
  'department',
  'description',
  'comments',
  'attributes',
  'path',
  'type',
  'status',
  'must_change_password',
  'password_hash',
  'mfa_enabled',
  'search_text',
  'created_at',
  'updated_at',
  'last_login_at',
] as const satisfies readonly (keyof UsersTable)[];

/** Fails to compile when a users column is missing from the list above. */
const everyUserColumn: Exclude<keyof UsersTable, (typeof userColumns)[number]> extends never ? true : never = true;
void everyUserColumn;

/** New users of a batch, many rows per statement (the unique indexes still arbitrate duplicates). */
export async function insertUsers(db: Db, rows: UsersTable[]): Promise<void> {
  await insertRows(db, 'users', userColumns, rows);
}

/** Memberships of new users: every one is new, so no conflict handling or counting is needed. */
export async function insertMemberships(
  db: Db,
  m: {
    groups: { group_id: string; user_id: string }[];
    roles: { user_id: string; role_id: string }[];
    organizations: { organization_id: string; user_id: string; created_at: string }[];
  },
): Promise<void> {
  await insertRows(db, 'group_members', ['group_id', 'user_id'], m.groups);
  await insertRows(db, 'user_roles', ['user_id', 'role_id'], m.roles);
  await insertRows(db, 'organization_members', ['organization_id', 'user_id', 'created_at'], m.organizations);
}

export async function addMemberships(
  db: Db,
  userId: string,
  groupIds: string[],
  roleIds: string[],
  organizationIds: string[],
  at: string,
): Promise<number> {
  let added = 0;
  for (const group_id of groupIds) {
    const r = await db
      .insertInto('group_members')
      .values({ group_id, user_id: userId })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  for (const role_id of roleIds) {
    const r = await db
      .insertInto('user_roles')
      .values({ user_id: userId, role_id })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  for (const organization_id of organizationIds) {
    const r = await db
      .insertInto('organization_members')
      .values({ organization_id, user_id: userId, created_at: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}
