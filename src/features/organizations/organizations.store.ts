/** SQL for organizations, their members and organization roles. */
import type { Db, OrganizationsTable } from '../../db/database.ts';
import { escapeLike } from '../../db/dialect.ts';

export async function findOrganizationRow(db: Db, id: string) {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listOrganizationRows(
  db: Db,
  q: string | undefined,
  scope: 'all' | string[],
  limit: number,
  after?: { slug: string; id: string },
) {
  let query = db.selectFrom('organizations').selectAll();
  if (q)
    query = query.where((eb) =>
      eb.or([eb('slug', 'like', `%${escapeLike(q.toLowerCase())}%`), eb('name', 'like', `%${escapeLike(q)}%`)]),
    );
  if (scope !== 'all') query = scope.length === 0 ? query.where('id', '=', '\u0000') : query.where('id', 'in', scope);
  if (after)
    query = query.where((eb) =>
      eb.or([eb('slug', '>', after.slug), eb.and([eb('slug', '=', after.slug), eb('id', '>', after.id)])]),
    );
  return query.orderBy('slug').orderBy('id').limit(limit).execute();
}

export async function countOrganizationRows(db: Db, q: string | undefined, scope: 'all' | string[]): Promise<number> {
  let query = db.selectFrom('organizations').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (q)
    query = query.where((eb) =>
      eb.or([eb('slug', 'like', `%${escapeLike(q.toLowerCase())}%`), eb('name', 'like', `%${escapeLike(q)}%`)]),
    );
  if (scope !== 'all') query = scope.length === 0 ? query.where('id', '=', '\u0000') : query.where('id', 'in', scope);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function insertOrganizationRow(db: Db, row: OrganizationsTable): Promise<void> {
  await db.insertInto('organizations').values(row).execute();
}

export async function updateOrganizationRow(db: Db, id: string, values: Partial<OrganizationsTable>): Promise<void> {
  await db.updateTable('organizations').set(values).where('id', '=', id).execute();
}

export async function deleteOrganizationRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('organizations').where('id', '=', id).execute();
}

export async function organizationMemberCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('organization_members')
    .select(['organization_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('organization_id', 'in', ids)
    .groupBy('organization_id')
    .execute();
  return new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
}

export async function memberUserIds(db: Db, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('organization_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function listMembers(db: Db, organizationId: string) {
  const members = await db
    .selectFrom('organization_members')
    .innerJoin('users', 'users.id', 'organization_members.user_id')
    .select(['users.id as user_id', 'users.username', 'users.display_name', 'organization_members.created_at'])
    .where('organization_members.organization_id', '=', organizationId)
    .orderBy('users.username_key')
    .limit(1000)
    .execute();
  const roles = await db
    .selectFrom('organization_member_roles')
    .innerJoin('roles', 'roles.id', 'organization_member_roles.role_id')
    .select(['organization_member_roles.user_id', 'roles.id', 'roles.name'])
    .where('organization_member_roles.organization_id', '=', organizationId)
    .execute();
  return members.map((m) => ({
    userId: m.user_id,
    username: m.username,
    displayName: m.display_name,
    roles: roles.filter((r) => r.user_id === m.user_id).map((r) => ({ id: r.id, name: r.name })),
    joinedAt: m.created_at,
  }));
}

export async function memberRoleIds(db: Db, organizationId: string, userId: string): Promise<string[] | undefined> {
  const member = await db
    .selectFrom('organization_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member) return undefined;
  const rows = await db
    .selectFrom('organization_member_roles')
    .select('role_id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.role_id);
}

export async function membershipsOf(db: Db, userId: string) {
  const orgs = await db
    .selectFrom('organization_members')
    .select('organization_id')
    .where('user_id', '=', userId)
    .execute();
  const out: { organizationId: string; roleIds: string[] }[] = [];
  for (const o of orgs)
    out.push({
      organizationId: o.organization_id,
      roleIds: (await memberRoleIds(db, o.organization_id, userId)) ?? [],
    });
  return out;
}
