/** SQL the import needs beyond the users store: names of groups, roles and organizations, and memberships. */
import type { Db } from '../../db/database.ts';

export type NameIndex = {
  groups: Map<string, string>;
  roles: Map<string, { id: string; name: string; permissions: string }>;
  organizations: Map<string, string>;
};

/** Every group, role and organization by lower-cased name (and organizations also by slug). */
export async function loadNameIndex(db: Db): Promise<NameIndex> {
  const [groups, roles, orgs] = await Promise.all([
    db.selectFrom('groups').select(['id', 'name_key']).execute(),
    db.selectFrom('roles').select(['id', 'name', 'name_key', 'permissions']).execute(),
    db.selectFrom('organizations').select(['id', 'name', 'slug']).execute(),
  ]);
  return {
    groups: new Map(groups.map((g) => [g.name_key, g.id])),
    roles: new Map(roles.map((r) => [r.name_key, { id: r.id, name: r.name, permissions: r.permissions }])),
    organizations: new Map(
      orgs.flatMap(
        (o) =>
          [
            [o.name.toLowerCase(), o.id],
            [o.slug, o.id],
          ] as [string, string][],
      ),
    ),
  };
}

export async function insertGroup(
  db: Db,
  row: {
    id: string;
    name: string;
    name_key: string;
    created_at: string;
    parent_id?: string | null;
    description?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('groups')
    .values({ description: null, parent_id: null, ...row })
    .execute();
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

/** Users with their membership names, a page at a time by creation order, for the export. */
export async function exportPage(db: Db, after: { at: string; id: string } | undefined, limit: number) {
  let q = db.selectFrom('users').selectAll();
  if (after)
    q = q.where((eb) =>
      eb.or([eb('created_at', '>', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '>', after.id)])]),
    );
  const users = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
  const ids = users.map((u) => u.id);
  if (ids.length === 0)
    return { users, names: new Map<string, { groups: string[]; roles: string[]; organizations: string[] }>() };
  const [groups, roles, orgs] = await Promise.all([
    db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.user_id', 'groups.name'])
      .where('group_members.user_id', 'in', ids)
      .execute(),
    db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['user_roles.user_id', 'roles.name'])
      .where('user_roles.user_id', 'in', ids)
      .execute(),
    db
      .selectFrom('organization_members')
      .innerJoin('organizations', 'organizations.id', 'organization_members.organization_id')
      .select(['organization_members.user_id', 'organizations.slug as name'])
      .where('organization_members.user_id', 'in', ids)
      .execute(),
  ]);
  const names = new Map(
    ids.map((id) => [id, { groups: [] as string[], roles: [] as string[], organizations: [] as string[] }]),
  );
  for (const g of groups) names.get(g.user_id)?.groups.push(g.name);
  for (const r of roles) names.get(r.user_id)?.roles.push(r.name);
  for (const o of orgs) names.get(o.user_id)?.organizations.push(o.name);
  return { users, names };
}

export async function allGroups(db: Db) {
  return db.selectFrom('groups').select(['id', 'name', 'description', 'parent_id']).orderBy('created_at').execute();
}
