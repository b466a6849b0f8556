/** SQL of the SCIM door: the externalId mapping table and the filtered, paged lists. */
import type { RawBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Db, UserRow } from '../../db/database.ts';

export interface ScimResourcesTable {
  resource_type: 'User' | 'Group';
  resource_id: string;
  external_id: string | null;
  updated_at: string;
}

declare module '../../db/database.ts' {
  interface Database {
    scim_resources: ScimResourcesTable;
  }
}

export type ResourceType = ScimResourcesTable['resource_type'];

export async function setExternalId(
  db: Db,
  type: ResourceType,
  id: string,
  externalId: string | null,
  now: string,
): Promise<void> {
  await db
    .insertInto('scim_resources')
    .values({ resource_type: type, resource_id: id, external_id: externalId, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['resource_type', 'resource_id']).doUpdateSet({ external_id: externalId, updated_at: now }),
    )
    .execute();
}

export async function findResource(db: Db, type: ResourceType, id: string): Promise<ScimResourcesTable | undefined> {
  return db
    .selectFrom('scim_resources')
    .selectAll()
    .where('resource_type', '=', type)
    .where('resource_id', '=', id)
    .executeTakeFirst();
}

export async function deleteResource(db: Db, type: ResourceType, id: string): Promise<void> {
  await db.deleteFrom('scim_resources').where('resource_type', '=', type).where('resource_id', '=', id).execute();
}

export type ListQuery = {
  where: RawBuilder<SqlBool>;
  order: RawBuilder<unknown>;
  desc: boolean;
  offset: number;
  limit: number;
};

/** Users matching a compiled filter, with their externalId (joined as `s`, which the filter may reference). */
export async function listUsers(
  db: Db,
  q: ListQuery,
): Promise<{ rows: (UserRow & { external_id: string | null })[]; total: number }> {
  const base = db
    .selectFrom('users')
    .leftJoin('scim_resources as s', (j) =>
      j.onRef('s.resource_id', '=', 'users.id').on('s.resource_type', '=', 'User'),
    )
    .where(q.where);
  const [rows, count] = await Promise.all([
    q.limit === 0
      ? Promise.resolve([])
      : base
          .selectAll('users')
          .select('s.external_id')
          .orderBy(q.order, q.desc ? 'desc' : 'asc')
          .orderBy('users.id')
          .offset(q.offset)
          .limit(q.limit)
          .execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export type GroupListRow = {
  id: string;
  name: string;
  created_at: string;
  external_id: string | null;
  updated_at: string | null;
};

export async function listGroups(db: Db, q: ListQuery): Promise<{ rows: GroupListRow[]; total: number }> {
  const base = db
    .selectFrom('groups')
    .leftJoin('scim_resources as s', (j) =>
      j.onRef('s.resource_id', '=', 'groups.id').on('s.resource_type', '=', 'Group'),
    )
    .where(q.where);
  const [rows, count] = await Promise.all([
    q.limit === 0
      ? Promise.resolve([])
      : base
          .select(['groups.id', 'groups.name', 'groups.created_at', 's.external_id', 's.updated_at'])
          .orderBy(q.order, q.desc ? 'desc' : 'asc')
          .orderBy('groups.id')
          .offset(q.offset)
          .limit(q.limit)
          .execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findGroup(db: Db, id: string): Promise<GroupListRow | undefined> {
  return db
    .selectFrom('groups')
    .leftJoin('scim_resources as s', (j) =>
      j.onRef('s.resource_id', '=', 'groups.id').on('s.resource_type', '=', 'Group'),
    )
    .select(['groups.id', 'groups.name', 'groups.created_at', 's.external_id', 's.updated_at'])
    .where('groups.id', '=', id)
    .executeTakeFirst();
}

/** Direct members of each group (users only: nesting is expressed by parentId, not by group members). */
export async function membersOf(
  db: Db,
  groupIds: string[],
): Promise<Map<string, { value: string; display: string }[]>> {
  const out = new Map<string, { value: string; display: string }[]>();
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select(['group_members.group_id', 'users.id', 'users.username'])
    .where('group_members.group_id', 'in', groupIds)
    .orderBy('users.username_key')
    .execute();
  for (const r of rows) out.set(r.group_id, [...(out.get(r.group_id) ?? []), { value: r.id, display: r.username }]);
  return out;
}

export async function existingUserIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function externalIdOf(db: Db, type: ResourceType, id: string): Promise<string | null> {
  return (await findResource(db, type, id))?.external_id ?? null;
}

export const always = sql<SqlBool>`1 = 1`;
