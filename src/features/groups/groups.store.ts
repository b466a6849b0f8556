/** SQL for groups, their members and the roles they grant. */
import { sql } from 'kysely';
import type { Db, GroupsTable } from '../../db/database.ts';
import { escapeLike } from '../../db/dialect.ts';

export type GroupRow = GroupsTable;

export async function findGroupRow(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findGroupRows(db: Db, ids: string[]): Promise<GroupRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('groups').selectAll().where('id', 'in', ids).execute();
}

export async function findGroupByName(db: Db, nameKey: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
}

export async function listGroupRows(
  db: Db,
  filter: { q?: string | undefined; parentId?: string | undefined },
  limit: number,
  afterName?: { name: string; id: string },
) {
  let q = db.selectFrom('groups').selectAll();
  if (filter.q) q = q.where('name_key', 'like', `%${escapeLike(filter.q.toLowerCase())}%`);
  if (filter.parentId) q = q.where('parent_id', '=', filter.parentId);
  if (afterName)
    q = q.where((eb) =>
      eb.or([
        eb('name_key', '>', afterName.name),
        eb.and([eb('name_key', '=', afterName.name), eb('id', '>', afterName.id)]),
      ]),
    );
  return q.orderBy('name_key').orderBy('id').limit(limit).execute();
}

export async function countGroups(
  db: Db,
  filter: { q?: string | undefined; parentId?: string | undefined },
): Promise<number> {
  let q = db.selectFrom('groups').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (filter.q) q = q.where('name_key', 'like', `%${escapeLike(filter.q.toLowerCase())}%`);
  if (filter.parentId) q = q.where('parent_id', '=', filter.parentId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function insertGroupRow(db: Db, row: GroupRow): Promise<void> {
  await db.insertInto('groups').values(row).execute();
}

export async function updateGroupRow(db: Db, id: string, values: Partial<GroupRow>): Promise<void> {
  await db.updateTable('groups').set(values).where('id', '=', id).execute();
}

export async function deleteGroupRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('groups').where('id', '=', id).execute();
}

export async function reparentChildren(db: Db, fromId: string, toId: string | null): Promise<void> {
  await db.updateTable('groups').set({ parent_id: toId }).where('parent_id', '=', fromId).execute();
}

/** Ids from the group up to its root (the group first), bounded against a cycle. */
export async function ancestorIds(db: Db, id: string): Promise<string[]> {
  const rows = await sql<{ id: string; depth: number }>`
    WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM groups WHERE id = ${id}
      UNION ALL
      SELECT g.id, g.parent_id, up.depth + 1 FROM groups g JOIN up ON g.id = up.parent_id WHERE up.depth < 64
    )
    SELECT id, depth FROM up ORDER BY depth`.execute(db);
  return rows.rows.map((r) => r.id);
}

export async function memberCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('group_members')
    .select(['group_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('group_id', 'in', ids)
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

export async function groupRoleRefs(db: Db, ids: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('group_roles')
    .innerJoin('roles', 'roles.id', 'group_roles.role_id')
    .select(['group_roles.group_id', 'roles.id', 'roles.name'])
    .where('group_roles.group_id', 'in', ids)
    .orderBy('roles.name')
    .execute();
  const out = new Map<string, { id: string; name: string }[]>();
  for (const r of rows) out.set(r.group_id, [...(out.get(r.group_id) ?? []), { id: r.id, name: r.name }]);
  return out;
}

export async function setGroupRoleRows(db: Db, groupId: string, roleIds: string[]): Promise<void> {
  await db.deleteFrom('group_roles').where('group_id', '=', groupId).execute();
  if (roleIds.length > 0)
    await db
      .insertInto('group_roles')
      .values(roleIds.map((role_id) => ({ group_id: groupId, role_id })))
      .execute();
}

export async function groupIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.group_id);
}

export async function memberIds(db: Db, groupId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute();
  return rows.map((r) => r.user_id);
}

/** Roles granted by the groups or any of their ancestors: joining one of these groups is being granted them. */
export async function rolesThroughGroups(db: Db, groupIds: string[]) {
  const all = new Set<string>();
  for (const id of groupIds) for (const a of await ancestorIds(db, id)) all.add(a);
  if (all.size === 0) return [];
  return db
    .selectFrom('group_roles')
    .innerJoin('roles', 'roles.id', 'group_roles.role_id')
    .select(['roles.id', 'roles.name', 'roles.permissions'])
    .where('group_roles.group_id', 'in', [...all])
    .execute();
}
