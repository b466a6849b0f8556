/**
 * Filters that few users pass, resolved to those users before a list query: a role few hold, a small folder, group
 * or organization, a delegated administrator's small organizations. Each filter's users are read from its own
 * index with a limit; where they are at most `narrowSearchLimit`, the list and its count read just those users by
 * id (`UserFilter.fewIds`). Tested row by row in sort order instead, such a filter walked the whole order to find
 * few users or none: at 1,000,000 users ~0.6 s a page on PostgreSQL for a role one user holds, ~1.1 s on SQLite
 * for a small folder or organization. A filter many users pass keeps the row-by-row test, which fills a page
 * after a few rows. The filter's own condition stays in the query either way: the ids only narrow it.
 */
import { type SqlBool, sql } from 'kysely';
import type { Db, Dialect } from '../../db/database.ts';
import { escapeLike } from '../../db/dialect.ts';
import { narrowSearchLimit, type UserFilter } from './users.store.ts';

/** Up to `limit` ids of the users one filter lets through (a user may come twice: it only looks broader). */
type Probe = (limit: number) => Promise<string[]>;

/** One set of ids per filter in force that at most `narrowSearchLimit` users pass. */
export async function fewUserIds(db: Db, dialect: Dialect, filter: UserFilter): Promise<string[][]> {
  const sets: string[][] = [];
  for (const probe of probesOf(db, dialect, filter)) {
    const ids = await probe(narrowSearchLimit + 1);
    if (ids.length <= narrowSearchLimit) sets.push([...new Set(ids)]);
  }
  return sets;
}

function probesOf(db: Db, dialect: Dialect, filter: UserFilter): Probe[] {
  const probes: Probe[] = [];
  if (filter.role && filter.roleGroupIds) probes.push(roleHolders(db, filter.role, filter.roleGroupIds));
  if (filter.path) probes.push(folderUsers(db, dialect, filter.path));
  if (filter.groupIds) probes.push(groupMembers(db, filter.groupIds));
  if (filter.organization) probes.push(organizationMembers(db, filter.organization));
  if (filter.organizationScope?.length) probes.push(scopeMembers(db, filter.organizationScope));
  return probes;
}

/** Holders of the role directly or through one of its groups; UNION ALL, so the read stops at the limit. */
function roleHolders(db: Db, role: string, roleGroupIds: string[]): Probe {
  const roleKey = role.normalize('NFKC').toLowerCase();
  return async (limit) => {
    const direct = db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select('user_roles.user_id')
      .where((eb) => eb.or([eb('roles.id', '=', role), eb('roles.name_key', '=', roleKey)]));
    const viaGroups = db
      .selectFrom('group_members')
      .select('group_members.user_id')
      .where('group_members.group_id', 'in', [...roleGroupIds, '']);
    const rows = await direct.unionAll(viaGroups).limit(limit).execute();
    return rows.map((r) => r.user_id);
  };
}

/** The folder's own users, then those below it: two index ranges, each read up to what is left of the limit. */
function folderUsers(db: Db, dialect: Dialect, path: string): Probe {
  return async (limit) => {
    const own = await db.selectFrom('users').select('users.id').where('users.path', '=', path).limit(limit).execute();
    if (own.length >= limit) return own.map((r) => r.id);
    const below = await db
      .selectFrom('users')
      .select('users.id')
      .where(
        // SQLite compares text by its bytes; PostgreSQL reads the prefix through users_path_prefix (migration 0750).
        dialect === 'sqlite'
          ? sql<SqlBool>`(users.path >= ${`${path}/`} AND users.path < ${`${path}0`})`
          : sql<SqlBool>`users.path LIKE ${`${escapeLike(path)}/%`} ESCAPE '\\'`,
      )
      .limit(limit - own.length)
      .execute();
    return [...own, ...below].map((r) => r.id);
  };
}

function groupMembers(db: Db, groupIds: string[]): Probe {
  return async (limit) => {
    const rows = await db
      .selectFrom('group_members')
      .select('user_id')
      .where('group_id', 'in', [...groupIds, ''])
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  };
}

/** Members of the organization named by id or slug (as the filter names it). */
function organizationMembers(db: Db, organization: string): Probe {
  return async (limit) => {
    const rows = await db
      .selectFrom('organization_members')
      .innerJoin('organizations', 'organizations.id', 'organization_members.organization_id')
      .select('organization_members.user_id')
      .where((eb) =>
        eb.or([eb('organizations.id', '=', organization), eb('organizations.slug', '=', organization.toLowerCase())]),
      )
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  };
}

function scopeMembers(db: Db, organizationIds: string[]): Probe {
  return async (limit) => {
    const rows = await db
      .selectFrom('organization_members')
      .select('user_id')
      .where('organization_id', 'in', organizationIds)
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  };
}
