/** SQL for roles. */
import type { Db, RolesTable } from '../../db/database.ts';

export async function listRoleRows(db: Db) {
  return db.selectFrom('roles').selectAll().orderBy('built_in', 'desc').orderBy('name_key').execute();
}

export async function findRoleRow(db: Db, id: string) {
  return db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRoleRows(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('roles').selectAll().where('id', 'in', ids).execute();
}

export async function insertRoleRow(db: Db, row: RolesTable): Promise<void> {
  await db.insertInto('roles').values(row).execute();
}

export async function updateRoleRow(db: Db, id: string, values: Partial<RolesTable>): Promise<void> {
  await db.updateTable('roles').set(values).where('id', '=', id).execute();
}

export async function deleteRoleRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('roles').where('id', '=', id).execute();
}

/** Users who hold the role directly or through a group that grants it (or a sub-group of one). */
export async function usersHoldingRole(db: Db, roleId: string): Promise<string[]> {
  const direct = await db.selectFrom('user_roles').select('user_id').where('role_id', '=', roleId).execute();
  const groups = await db.selectFrom('group_roles').select('group_id').where('role_id', '=', roleId).execute();
  return [
    ...new Set([
      ...direct.map((r) => r.user_id),
      ...(await membersOfGroupTrees(
        db,
        groups.map((g) => g.group_id),
      )),
    ]),
  ];
}

/** Members of the groups and of all their descendants. */
export async function membersOfGroupTrees(db: Db, groupIds: string[]): Promise<string[]> {
  const seen = new Set(groupIds);
  let frontier = groupIds;
  for (let depth = 0; frontier.length > 0 && depth < 32; depth++) {
    const children = await db.selectFrom('groups').select('id').where('parent_id', 'in', frontier).execute();
    frontier = children.map((c) => c.id).filter((id) => !seen.has(id));
    for (const id of frontier) seen.add(id);
  }
  if (seen.size === 0) return [];
  const rows = await db
    .selectFrom('group_members')
    .select('user_id')
    .distinct()
    .where('group_id', 'in', [...seen])
    .execute();
  return rows.map((r) => r.user_id);
}

export async function directRoleIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_roles').select('role_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role_id);
}

/** Active users holding the Admin role directly or through groups: the last one must not lose it. */
export async function countActiveAdmins(db: Db, adminRoleId: string): Promise<number> {
  const ids = await usersHoldingRole(db, adminRoleId);
  if (ids.length === 0) return 0;
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .execute();
  return rows.length;
}

/** Groups that grant the role (by id or name) to their members: those naming it and all their sub-groups. */
export async function groupsGrantingRole(db: Db, idOrName: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_roles')
    .innerJoin('roles', 'roles.id', 'group_roles.role_id')
    .select('group_roles.group_id')
    .where((eb) =>
      eb.or([eb('roles.id', '=', idOrName), eb('roles.name_key', '=', idOrName.normalize('NFKC').toLowerCase())]),
    )
    .execute();
  const seen = new Set(rows.map((r) => r.group_id));
  let frontier = [...seen];
  for (let depth = 0; frontier.length > 0 && depth < 32; depth++) {
    const children = await db.selectFrom('groups').select('id').where('parent_id', 'in', frontier).execute();
    frontier = children.map((c) => c.id).filter((id) => !seen.has(id));
    for (const id of frontier) seen.add(id);
  }
  return [...seen];
}

/** Everyone whose search text names the role: holders directly, through groups, or in an organization. */
export async function usersSearchableByRole(db: Db, roleId: string): Promise<string[]> {
  const inOrganizations = await db
    .selectFrom('organization_member_roles')
    .select('user_id')
    .where('role_id', '=', roleId)
    .execute();
  return [...new Set([...(await usersHoldingRole(db, roleId)), ...inOrganizations.map((r) => r.user_id)])];
}
