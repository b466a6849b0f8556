/** SQL the import needs beyond the users store: names of groups, roles and organizations, and memberships. */

import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Db, Dialect, EventsTable, UserRow, UsersTable } from '../../db/database.ts';
import { dialectOf } from '../../db/dialect.ts';
import { insertRows } from '../../db/insert-rows.ts';
import { rowsAsArrays, rowValues } from '../../db/row-arrays.ts';
import { eventColumns } from '../events/events.store.ts';

export type NameIndex = {
  groups: Map<string, string>;
  roles: Map<string, { id: string; name: string; permissions: string }>;
  organizations: Map<string, string>;
  /** What a new user's search text needs without a query per user: names, group parents and group roles. */
  groupsById: Map<string, { name: string; parentId: string | null; roleNames: string[]; roleIds: string[] }>;
  roleNamesById: Map<string, string>;
  /** Roles with their permissions, for the escalation rule on what a group passes on. */
  rolesById: Map<string, { id: string; name: string; permissions: string }>;
  organizationNamesById: Map<string, string>;
};

/** Every group, role and organization by lower-cased name (and organizations also by slug), and by id. */
export async function loadNameIndex(db: Db): Promise<NameIndex> {
  const [groups, roles, orgs, groupRoles] = await Promise.all([
    db.selectFrom('groups').select(['id', 'name', 'name_key', 'parent_id']).execute(),
    db.selectFrom('roles').select(['id', 'name', 'name_key', 'permissions']).execute(),
    db.selectFrom('organizations').select(['id', 'name', 'slug']).execute(),
    db.selectFrom('group_roles').select(['group_id', 'role_id']).execute(),
  ]);
  const roleNamesById = new Map(roles.map((r) => [r.id, r.name]));
  const groupsById = new Map(
    groups.map((g) => [
      g.id,
      { name: g.name, parentId: g.parent_id, roleNames: [] as string[], roleIds: [] as string[] },
    ]),
  );
  for (const gr of groupRoles) {
    const name = roleNamesById.get(gr.role_id);
    const group = groupsById.get(gr.group_id);
    if (name && group) {
      group.roleNames.push(name);
      group.roleIds.push(gr.role_id);
    }
  }
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
    groupsById,
    roleNamesById,
    rolesById: new Map(roles.map((r) => [r.id, { id: r.id, name: r.name, permissions: r.permissions }])),
    organizationNamesById: new Map(orgs.map((o) => [o.id, o.name])),
  };
}

/** The users a batch names, by username or email key, in one query. */
export async function findUsersByLoginKeys(db: Db, keys: string[]): Promise<UserRow[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_key', 'in', keys), eb('email_key', 'in', keys)]))
    .execute();
}

/** Audit events of a batch (rows built by events.service's eventRow). */
export async function insertEvents(db: Db, rows: EventsTable[]): Promise<void> {
  await insertRows(db, 'events', eventColumns, rows);
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

/** The users columns an export writes (never the password hash), and the keyset it pages by. */
const exportedColumns = [
  'id',
  'username',
  'display_name',
  'email',
  'phone',
  'department',
  'description',
  'comments',
  'attributes',
  'path',
  'type',
  'status',
] as const satisfies readonly (keyof UsersTable)[];
/**
 * A user as the CSV export reads it: its id, and `values`, one value per `exportedColumns` entry in that order (the
 * id first, then the text columns, each a string or null).
 */
export type ExportedUser = { id: string; values: TextCells<typeof exportedColumns> };
/** One string-or-null per column of a tuple of column names (a mapped type over a parameter keeps the tuple). */
type TextCells<Columns extends readonly string[]> = { readonly [K in keyof Columns]: string | null };

/** id → name of every group and role and id → slug of every organization: what an export writes for memberships. */
export type MembershipNames = {
  groups: Map<string, string>;
  roles: Map<string, string>;
  organizations: Map<string, string>;
};

/** A user's memberships as an export writes them: group and role names, organization slugs. */
export type UserMemberships = { groups: string[]; roles: string[]; organizations: string[] };

/**
 * Read once per export: a page's memberships are then id pairs, without a join per member row. `groups`: the
 * groups when the caller has read them already (the JSON export lists them).
 */
export async function loadMembershipNames(db: Db, groups?: { id: string; name: string }[]): Promise<MembershipNames> {
  const [groupRows, roles, organizations] = await Promise.all([
    groups ?? db.selectFrom('groups').select(['id', 'name']).execute(),
    db.selectFrom('roles').select(['id', 'name']).execute(),
    db.selectFrom('organizations').select(['id', 'slug as name']).execute(),
  ]);
  const byId = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { groups: byId(groupRows), roles: byId(roles), organizations: byId(organizations) };
}

/**
 * Users with their membership names, a page at a time in id order (ids begin with their creation time, so this is
 * creation order). Rows are read as arrays (db/row-arrays.ts): the CSV export at 1,000,000 users on SQLite spent as
 * long on the driver's object per row as on reading the rows.
 */
export async function exportPage(db: Db, known: MembershipNames, afterId: string | undefined, limit: number) {
  const after = afterId === undefined ? sql`` : sql`WHERE id > ${afterId}`;
  const columns = sql.join(exportedColumns.map((c) => sql.ref(c)));
  const { rows } = await sql`${rowsAsArrays}SELECT ${columns} FROM users ${after} ORDER BY id LIMIT ${limit}`.execute(
    db,
  );
  const users = rows.map((row): ExportedUser => {
    const values = rowValues<ExportedUser['values']>(row);
    return { id: values[0] as string, values };
  });
  return { users, names: await pageMemberships(db, known, afterId, users.at(-1)?.id) };
}

/**
 * As exportPage, each user as the JSON object of its exported columns, built by the database itself
 * (`exportedJsonKeys` order): one string per row where the driver made twelve, and no JSON.stringify of each of
 * them, halved the reading of a page on SQLite (1,000,000 users: 3.3 s → 1.6 s). `attributes` is embedded as the
 * JSON it is stored as.
 */
export async function exportJsonPage(db: Db, known: MembershipNames, afterId: string | undefined, limit: number) {
  const after = afterId === undefined ? sql`` : sql`WHERE u.id > ${afterId}`;
  const json = userJson(dialectOf(db as unknown as Kysely<unknown>));
  const { rows: users } = await sql<{ id: string; json: string }>`SELECT u.id, ${json} AS json
    FROM users u ${after} ORDER BY u.id LIMIT ${limit}`.execute(db);
  return { users, names: await pageMemberships(db, known, afterId, users.at(-1)?.id) };
}

/** The keys of an exported JSON user before its memberships, and the users column of each. */
const exportedJsonKeys = [
  ['username', 'username'],
  ['displayName', 'display_name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['department', 'department'],
  ['description', 'description'],
  ['comments', 'comments'],
  ['attributes', 'attributes'],
  ['path', 'path'],
  ['type', 'type'],
  ['status', 'status'],
] as const satisfies readonly (readonly [string, (typeof exportedColumns)[number]])[];

/**
 * A users row `u` as that JSON text. SQLite's json_object escapes as JSON.stringify does; PostgreSQL's
 * json_build_object would put a space around every colon, row_to_json of a row with the keys as column names
 * does not.
 */
function userJson(dialect: Dialect) {
  const value = (column: string) =>
    column === 'attributes'
      ? dialect === 'sqlite'
        ? sql`json(u.attributes)`
        : sql`u.attributes::json`
      : sql`u.${sql.ref(column)}`;
  if (dialect === 'sqlite') {
    return sql<string>`json_object(${sql.join(exportedJsonKeys.map(([key, column]) => sql`${sql.lit(key)}, ${value(column)}`))})`;
  }
  const fields = sql.join(exportedJsonKeys.map(([key, column]) => sql`${value(column)} AS ${sql.id(key)}`));
  return sql<string>`(SELECT row_to_json(v)::text FROM (SELECT ${fields}) AS v)`;
}

/**
 * The memberships of the users of a page, by user id. A page is a range of ids (after `afterId`, up to `lastId`),
 * so its memberships are read as the same range of each membership table's user index: one range scan per table,
 * where a list of the page's 2,000 ids cost 2,000 index probes per table, even on an empty one. Memberships are id
 * pairs named from `known` (joining each member row to its group cost a third of the export's time at 1,000,000
 * users).
 */
async function pageMemberships(
  db: Db,
  known: MembershipNames,
  afterId: string | undefined,
  lastId: string | undefined,
): Promise<Map<string, UserMemberships>> {
  // Only users with a membership get an entry (most have one or none): fewer objects for the collector per page.
  const names = new Map<string, UserMemberships>();
  if (lastId === undefined) return names;
  const inPage =
    afterId === undefined
      ? sql<SqlBool>`user_id <= ${lastId}`
      : sql<SqlBool>`user_id > ${afterId} and user_id <= ${lastId}`;
  const [groups, roles, orgs] = await Promise.all([
    db.selectFrom('group_members').select(['user_id', 'group_id as of']).where(inPage).execute(),
    db.selectFrom('user_roles').select(['user_id', 'role_id as of']).where(inPage).execute(),
    db.selectFrom('organization_members').select(['user_id', 'organization_id as of']).where(inPage).execute(),
  ]);
  const add = (rows: { user_id: string; of: string }[], kind: keyof MembershipNames) => {
    for (const r of rows) {
      const name = known[kind].get(r.of);
      // A group created after the export began: its members are named on the next export.
      if (name === undefined) continue;
      let entry = names.get(r.user_id);
      if (!entry) {
        entry = { groups: [], roles: [], organizations: [] };
        names.set(r.user_id, entry);
      }
      entry[kind].push(name);
    }
  };
  add(groups, 'groups');
  add(roles, 'roles');
  add(orgs, 'organizations');
  // By name, so an export does not depend on the order ids were given (a round trip through import gives new ids).
  for (const entry of names.values()) {
    if (entry.groups.length > 1) entry.groups.sort();
    if (entry.roles.length > 1) entry.roles.sort();
    if (entry.organizations.length > 1) entry.organizations.sort();
  }
  return names;
}

export async function allGroups(db: Db) {
  return db.selectFrom('groups').select(['id', 'name', 'description', 'parent_id']).orderBy('created_at').execute();
}
