/** SQL for users: the only place that reads and writes the users table. */
import {
  type Expression,
  type ExpressionBuilder,
  expressionBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import type { Database, Db, Dialect, UserRow } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { type Cursor, exactCountLimit } from '../../http/pagination.ts';
import {
  ftsMatch,
  hasMarks,
  searchCondition,
  searchTableText,
  searchTerms,
  substringConditions,
} from './users.search.ts';

/**
 * PostgreSQL's order of users by last sign-in (migration 0700) and its copy of their search text under the trigram
 * indexes (0800), both kept by triggers.
 */
declare module '../../db/database.ts' {
  interface Database {
    user_sign_in_order: { user_id: string; sort_key: string };
    user_search: { user_id: string; created_at: string; search_text: string };
  }
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

const byLogin = prepared<{ key: string }, UserRow>(['key'], (db, { key }) =>
  db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_key', '=', key), eb('email_key', '=', key)]))
    // No LIMIT: at most two rows match, and with one SQLite took 2.7× as long (22 vs 8 µs, measured).
    .orderBy(sql`CASE WHEN username_key = ${key} THEN 0 ELSE 1 END`),
);

/** The user with this username, else the one with this email (every sign-in starts here). */
export async function findUserByLogin(db: Db, key: string): Promise<UserRow | undefined> {
  return byLogin.first(db, { key });
}

export type UserFilter = {
  q?: string | undefined;
  status?: string | undefined;
  type?: string | undefined;
  path?: string | undefined;
  group?: string | undefined;
  /** The ids `group` names (by id or name), resolved before the query so the filter reads one index range. */
  groupIds?: string[] | undefined;
  role?: string | undefined;
  /** Groups whose members hold `role` through the group or one of its parents (resolved before the query). */
  roleGroupIds?: string[] | undefined;
  /**
   * Sets of user ids the users must be in, each exactly the users one of the filters above lets through when they
   * are few (users.candidates.store.ts): the list and its count then read those users instead of testing every one.
   */
  fewIds?: string[][] | undefined;
  organization?: string | undefined;
  /** Restricts to members of these organizations (a delegated admin's scope). */
  organizationScope?: string[] | undefined;
};

export type UserSort = {
  column: 'created_at' | 'username_key' | 'display_name' | 'email_key' | 'last_login_at' | 'updated_at';
  desc: boolean;
};

type Eb = ExpressionBuilder<Database, 'users'>;

function filterConditions(eb: Eb, dialect: Dialect, filter: UserFilter, candidates?: 'broad' | number[] | string[]) {
  const c = [...searchCondition(dialect, searchTerms(filter.q), candidates)];
  if (filter.status) c.push(eb('users.status', '=', filter.status));
  if (filter.type) c.push(eb('users.type', '=', filter.type));
  if (filter.path) c.push(folderCondition(eb, filter.path));
  for (const ids of filter.fewIds ?? []) c.push(ids.length === 0 ? sql<SqlBool>`1 = 0` : eb('users.id', 'in', ids));
  if (filter.groupIds !== undefined) {
    c.push(
      eb.exists(
        eb
          .selectFrom('group_members')
          .whereRef('group_members.user_id', '=', 'users.id')
          .where('group_members.group_id', 'in', [...filter.groupIds, ''])
          .select(sql`1`.as('one')),
      ),
    );
  } else if (filter.group) {
    const g = filter.group;
    c.push(
      eb.exists(
        eb
          .selectFrom('group_members')
          .innerJoin('groups', 'groups.id', 'group_members.group_id')
          .whereRef('group_members.user_id', '=', 'users.id')
          .where((w) => w.or([w('groups.id', '=', g), w('groups.name_key', '=', g.toLowerCase())]))
          .select(sql`1`.as('one')),
      ),
    );
  }
  if (filter.role) {
    const r = filter.role;
    const roleMatch = sql<SqlBool>`(roles.id = ${r} OR roles.name_key = ${r.normalize('NFKC').toLowerCase()})`;
    c.push(
      eb.or([
        eb.exists(
          eb
            .selectFrom('user_roles')
            .innerJoin('roles', 'roles.id', 'user_roles.role_id')
            .whereRef('user_roles.user_id', '=', 'users.id')
            .where(roleMatch)
            .select(sql`1`.as('one')),
        ),
        filter.roleGroupIds === undefined
          ? eb.exists(
              eb
                .selectFrom('group_members')
                .innerJoin('group_roles', 'group_roles.group_id', 'group_members.group_id')
                .innerJoin('roles', 'roles.id', 'group_roles.role_id')
                .whereRef('group_members.user_id', '=', 'users.id')
                .where(roleMatch)
                .select(sql`1`.as('one')),
            )
          : eb.exists(
              eb
                .selectFrom('group_members')
                .whereRef('group_members.user_id', '=', 'users.id')
                .where('group_members.group_id', 'in', [...filter.roleGroupIds, ''])
                .select(sql`1`.as('one')),
            ),
      ]),
    );
  }
  if (filter.organization) {
    const o = filter.organization;
    c.push(
      eb.exists(
        eb
          .selectFrom('organization_members')
          .innerJoin('organizations', 'organizations.id', 'organization_members.organization_id')
          .whereRef('organization_members.user_id', '=', 'users.id')
          .where((w) => w.or([w('organizations.id', '=', o), w('organizations.slug', '=', o.toLowerCase())]))
          .select(sql`1`.as('one')),
      ),
    );
  }
  if (filter.organizationScope) {
    const scope = filter.organizationScope;
    c.push(
      scope.length === 0
        ? sql<SqlBool>`1 = 0`
        : eb.exists(
            eb
              .selectFrom('organization_members')
              .whereRef('organization_members.user_id', '=', 'users.id')
              .where('organization_members.organization_id', 'in', scope)
              .select(sql`1`.as('one')),
          ),
    );
  }
  return c;
}

const nullableColumns = new Set(['display_name', 'email_key', 'last_login_at']);

function sortExpression(sort: UserSort) {
  // Nulls sort as '' so both dialects order them alike and a cursor can point past them.
  return nullableColumns.has(sort.column)
    ? sql<string>`COALESCE(users.${sql.ref(sort.column)}, '')`
    : sql<string>`users.${sql.ref(sort.column)}`;
}

/**
 * Where a sort's values come from: the users row, or, for last sign-in on PostgreSQL, the order table of migration
 * 0700 joined as `so`, whose index holds the sort value and the user id (the tie-breaker, and the cursor's second
 * half, must then be `so.user_id`: a row comparison on `users.id` could not seek that index).
 */
function sortSource(dialect: Dialect, sort: UserSort) {
  if (dialect === 'postgres' && sort.column === 'last_login_at') {
    return { expr: sql<string>`so.sort_key`, tie: sql<string>`so.user_id`, joined: true };
  }
  return { expr: sortExpression(sort), tie: sql<string>`users.id`, joined: false };
}

function sortDirection(sort: UserSort) {
  return sort.desc ? sql.raw('DESC') : sql.raw('ASC');
}

/**
 * Past this many trigram candidates, a search walks the sort index instead (see `searchCondition`); on PostgreSQL a
 * term with punctuation is then also counted without the mark-mapped condition (`countUsers`).
 */
export const narrowSearchLimit = 2000;

/** What `searchCandidates` found: rowids or ids, `'broad'` past the threshold, nothing without a long term. */
export type SearchCandidates = 'broad' | number[] | string[] | undefined;

/**
 * The trigram candidates of the search, up to `narrowSearchLimit`, or `'broad'` past it: SQLite the rowids of the
 * long terms' FTS5 matches; PostgreSQL the ids matching every term when all can use pg_trgm. Asked once a list
 * request (users.service.ts): the page and its count share the answer.
 */
export async function searchCandidates(db: Db, dialect: Dialect, filter: UserFilter): Promise<SearchCandidates> {
  const terms = searchTerms(filter.q);
  const long = terms.filter((t) => [...t].length >= 3);
  if (long.length === 0) return undefined;
  if (dialect === 'sqlite') {
    const result = await sql<{ rowid: number }>`SELECT rowid FROM users_fts
      WHERE users_fts MATCH ${ftsMatch(long)} LIMIT ${narrowSearchLimit + 1}`.execute(db);
    return result.rows.length > narrowSearchLimit ? 'broad' : result.rows.map((r) => Number(r.rowid));
  }
  if (long.length < terms.length) return undefined;
  const rows = await matchingSearchRows(db, terms, true)
    .select('user_search.user_id')
    .limit(narrowSearchLimit + 1)
    .execute();
  return rows.length > narrowSearchLimit ? 'broad' : rows.map((r) => r.user_id);
}

/** PostgreSQL: the user_search rows whose text holds every term (through its trigram indexes when `indexed`). */
function matchingSearchRows(db: Db, terms: string[], indexed: boolean) {
  return db.selectFrom('user_search').where((eb) => eb.and(substringConditions(searchTableText, terms, indexed)));
}

/**
 * A folder lists its own users and those of its sub-folders ("path/…", case-sensitive on both databases), tested
 * row by row (a small folder is read by id, users.candidates.store.ts): that fills a page after a few rows of a
 * large folder in any sort order. The prefix test is `substr`, not a range or LIKE, on purpose: SQLite would read
 * an indexable one through users_path for the whole tree and sort it (1.5 s for a 1,000,000-user folder).
 */
function folderCondition(eb: Eb, path: string): Expression<SqlBool> {
  const prefix = `${path}/`;
  return eb.or([
    eb('users.path', '=', path),
    sql<SqlBool>`substr(users.path, 1, ${sql.lit([...prefix].length)}) = ${prefix}`,
  ]);
}

type PageRows = { rows: UserRow[]; sortValues: string[] };

export async function listUserRows(
  db: Db,
  dialect: Dialect,
  filter: UserFilter,
  sort: UserSort,
  limit: number,
  cursor: Cursor | undefined,
  found: Promise<SearchCandidates> = searchCandidates(db, dialect, filter),
): Promise<PageRows> {
  const candidates = await found;
  if (candidates === 'broad') {
    const walked = await walkSortOrder(db, dialect, filter, sort, limit, cursor);
    if (walked.rows.length === limit) return walked;
    return dialect === 'sqlite'
      ? sortTrigramMatches(db, filter, sort, limit, cursor)
      : sortLikeMatches(db, filter, sort, limit, cursor);
  }
  const rows = await pageQuery(db, dialect, filter, sort, cursor, candidates).limit(limit).execute();
  return pageRows(rows);
}

/** The rows of a page in sort order (ties broken by id), after the cursor, without a limit. */
function pageQuery(
  db: Db,
  dialect: Dialect,
  filter: UserFilter,
  sort: UserSort,
  cursor: Cursor | undefined,
  candidates?: 'broad' | number[] | string[],
) {
  const { expr, tie, joined } = sortSource(dialect, sort);
  const dir = sortDirection(sort);
  let query = db
    .selectFrom('users')
    .$if(joined, (q) => q.innerJoin('user_sign_in_order as so', 'so.user_id', 'users.id'))
    .selectAll('users')
    .select(expr.as('sort_value'))
    .where((eb) => eb.and(filterConditions(eb, dialect, filter, candidates)));
  if (cursor) query = query.where(cursorCondition(dialect, sort, cursor));
  return query.orderBy(sql`${expr} ${dir}`).orderBy(sql`${tie} ${dir}`);
}

/**
 * A row-value comparison, so both dialects seek the (sort value, id) index instead of scanning up to the cursor;
 * the redundant comparison of the sort value alone lets SQLite seek an index on an expression (COALESCE) too.
 */
function cursorCondition(
  dialect: Dialect,
  sort: UserSort,
  cursor: Cursor,
  { expr, tie }: { expr: Expression<string>; tie: Expression<string> } = sortSource(dialect, sort),
) {
  const value = String(cursor.value ?? '');
  const [op, orEqual] = sort.desc ? [sql.raw('<'), sql.raw('<=')] : [sql.raw('>'), sql.raw('>=')];
  return sql<SqlBool>`(${expr} ${orEqual} ${value} AND (${expr}, ${tie}) ${op} (${value}, ${cursor.id}))`;
}

type SortedRow = UserRow & { sort_value: unknown };

function pageRows(rows: SortedRow[]): PageRows {
  return { rows, sortValues: rows.map((r) => String(r.sort_value ?? '')) };
}

/**
 * How many rows of the sort order a broad search reads for its page before it sorts the trigram matches instead:
 * enough for any term matching 1 user in 40 near the top of the order (~2 ms at 1,000,000 users), while a term
 * whose many matches all sit far down the order (`user12`: 11,111 users, none among the newest 870,000) no longer
 * walks most of the table (~600 ms on SQLite, ~700 ms on PostgreSQL).
 */
const broadWalkRows = 2000;

/** The page among the next `broadWalkRows` rows of the sort order; complete only when it holds `limit` rows. */
async function walkSortOrder(
  db: Db,
  dialect: Dialect,
  filter: UserFilter,
  sort: UserSort,
  limit: number,
  cursor: Cursor | undefined,
): Promise<PageRows> {
  const dir = sortDirection(sort);
  const window = pageQuery(db, dialect, { ...filter, q: undefined }, sort, cursor).limit(broadWalkRows);
  const terms = searchCondition(dialect, searchTerms(filter.q), 'broad');
  // The window is read in order (a co-routine on SQLite, a Limit over the index scan on PostgreSQL), so the outer
  // LIMIT stops the walk at the page's last match.
  const { rows } = await sql<SortedRow>`SELECT * FROM (${window}) AS users WHERE ${sql.join(terms, sql` AND `)}
    ORDER BY users.sort_value ${dir}, users.id ${dir} LIMIT ${limit}`.execute(db);
  return pageRows(rows);
}

/**
 * The page from the trigram matches themselves: every match read by rowid (CROSS JOIN makes SQLite start from the
 * FTS5 index rather than from a filter's index), the page's rowids sorted out, then only those rows read whole.
 */
async function sortTrigramMatches(
  db: Db,
  filter: UserFilter,
  sort: UserSort,
  limit: number,
  cursor: Cursor | undefined,
): Promise<PageRows> {
  const expr = sortExpression(sort);
  const dir = sortDirection(sort);
  const terms = searchTerms(filter.q);
  const long = terms.filter((t) => [...t].length >= 3);
  const short = searchCondition(
    'sqlite',
    terms.filter((t) => [...t].length < 3),
  );
  const { rows } = await sql<SortedRow>`SELECT users.*, ${expr} AS sort_value FROM users WHERE users.rowid IN (
      SELECT users.rowid FROM users_fts CROSS JOIN users ON users.rowid = users_fts.rowid
      WHERE users_fts MATCH ${ftsMatch(long)} AND ${besidesTrigrams('sqlite', filter, sort, cursor, short)}
      ORDER BY ${expr} ${dir}, users.id ${dir} LIMIT ${limit})
    ORDER BY ${expr} ${dir}, users.id ${dir}`.execute(db);
  return pageRows(rows);
}

/** A fallback's conditions besides the trigram index: the other filters, the given search terms, the cursor. */
function besidesTrigrams(
  dialect: Dialect,
  filter: UserFilter,
  sort: UserSort,
  cursor: Cursor | undefined,
  search: Expression<SqlBool>[],
) {
  const eb = expressionBuilder<Database, 'users'>();
  const conditions = [...filterConditions(eb, dialect, { ...filter, q: undefined }), ...search];
  if (cursor) conditions.push(cursorCondition(dialect, sort, cursor));
  return eb.and(conditions);
}

/** PostgreSQL's fallback: the matches come from user_search's trigram index as a bitmap scan (pageOfMatches). */
async function sortLikeMatches(
  db: Db,
  filter: UserFilter,
  sort: UserSort,
  limit: number,
  cursor: Cursor | undefined,
): Promise<PageRows> {
  if (sort.column === 'created_at' && filtersInForce(filter).every((k) => k === 'q')) {
    return sortSearchTableMatches(db, filter, sort, limit, cursor);
  }
  const { expr, joined } = sortSource('postgres', sort);
  const like = searchCondition('postgres', searchTerms(filter.q));
  const from = joined ? sql`users JOIN user_sign_in_order AS so ON so.user_id = users.id` : sql`users`;
  const matches = sql`SELECT users.id, ${expr} AS sort_value
    FROM ${from} WHERE ${besidesTrigrams('postgres', filter, sort, cursor, like)}`;
  return pageOfMatches(db, matches, sort, limit);
}

/**
 * The same for a search alone in creation order (the list's default): the matches and their creation times come
 * from user_search alone (migration 0800), without a users row read by id per match (the 11,111 of `user12` at
 * 1,000,000 users cost ~16 ms of such reads); only the page's rows are read whole.
 */
async function sortSearchTableMatches(
  db: Db,
  filter: UserFilter,
  sort: UserSort,
  limit: number,
  cursor: Cursor | undefined,
): Promise<PageRows> {
  const conditions = substringConditions(searchTableText, searchTerms(filter.q), true);
  const source = { expr: sql<string>`user_search.created_at`, tie: sql<string>`user_search.user_id` };
  if (cursor) conditions.push(cursorCondition('postgres', sort, cursor, source));
  const matches = sql`SELECT user_id AS id, created_at AS sort_value
    FROM user_search WHERE ${sql.join(conditions, sql` AND `)}`;
  return pageOfMatches(db, matches, sort, limit);
}

/**
 * PostgreSQL: the page among `matches` (a SELECT of id and sort_value): a MATERIALIZED CTE has no order for the
 * planner to walk an index for, so only the matches' ids and sort values are sorted, then the page's rows are read.
 */
async function pageOfMatches(db: Db, matches: Expression<unknown>, sort: UserSort, limit: number): Promise<PageRows> {
  const dir = sortDirection(sort);
  const { rows } = await sql<SortedRow>`WITH matches AS MATERIALIZED (${matches})
    SELECT users.*, page.sort_value FROM users JOIN (
      SELECT id, sort_value FROM matches ORDER BY sort_value ${dir}, id ${dir} LIMIT ${limit}) AS page
    ON page.id = users.id
    ORDER BY page.sort_value ${dir}, users.id ${dir}`.execute(db);
  return pageRows(rows);
}

const filterKeys = [
  'q',
  'status',
  'type',
  'path',
  'group',
  'groupIds',
  'role',
  'roleGroupIds',
  'fewIds',
  'organization',
  'organizationScope',
] as const satisfies readonly (keyof UserFilter)[];

/** The filters in force (the list's query object also carries sort, limit and cursor: not filters). */
function filtersInForce(filter: UserFilter): (typeof filterKeys)[number][] {
  return filterKeys.filter((k) => filter[k] !== undefined && filter[k] !== '');
}

/** Ids of the groups `group` names, by id or by name (case-insensitive). */
export async function groupIdsNamed(db: Db, group: string): Promise<string[]> {
  const rows = await db
    .selectFrom('groups')
    .select('id')
    .where((w) => w.or([w('id', '=', group), w('name_key', '=', group.toLowerCase())]))
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Counts matches exactly up to `exactCountLimit`; past that reports the limit as a lower bound. `found`: the list's
 * own `searchCandidates` for this filter, when it has them (PostgreSQL then need not ask the index twice).
 */
export async function countUsers(
  db: Db,
  dialect: Dialect,
  filter: UserFilter,
  found?: Promise<SearchCandidates>,
): Promise<{ total: number; exact: boolean }> {
  const only = filtersInForce(filter);
  // (A few members' ids come from that group itself.)
  const onlyGroup =
    filter.groupIds !== undefined && only.every((k) => k === 'group' || k === 'groupIds' || k === 'fewIds');
  const terms = searchTerms(filter.q);
  const onlyFts =
    dialect === 'sqlite' && terms.length > 0 && terms.every((t) => [...t].length >= 3) && only.every((k) => k === 'q');
  const onlySearch = dialect === 'postgres' && terms.length > 0 && only.every((k) => k === 'q');
  // Only a group or only a trigram search: count from that index alone (every member or indexed row is a user),
  // without reading a user row per match.
  if (onlyGroup) {
    const groupMembers = db.selectFrom('group_members').select('group_members.user_id');
    // One group: its members are unique by the primary key, so no DISTINCT (a hash over up to 10,001 ids).
    const members = filter.groupIds && filter.groupIds.length > 1 ? groupMembers.distinct() : groupMembers;
    return countUpTo(db, members.where('group_members.group_id', 'in', [...(filter.groupIds ?? []), '']));
  }
  if (onlyFts) {
    return countUpTo(
      db,
      db
        .selectFrom(sql`users_fts`.as('users_fts'))
        .select(sql`1`.as('one'))
        .where(sql<SqlBool>`users_fts MATCH ${ftsMatch(terms)}`),
    );
  }
  if (onlySearch) {
    // PostgreSQL's search table alone, as SQLite's FTS5 index above.
    const query = (indexed: boolean) => matchingSearchRows(db, terms, indexed).select(sql`1`.as('one'));
    return countMarkedSearch(db, terms, query, found);
  }
  const matching = (candidates?: 'broad') =>
    db
      .selectFrom('users')
      .select(sql`1`.as('one'))
      .where((eb) => eb.and(filterConditions(eb, dialect, filter, candidates)));
  if (dialect === 'sqlite') return countUpTo(db, matching());
  return countMarkedSearch(db, terms, (indexed) => matching(indexed ? undefined : 'broad'));
}

/**
 * PostgreSQL: the matches of `query`, which asks the mark-mapped index for a term with punctuation when `indexed`.
 * That condition lets the index find a rare such term, but a sequential scan evaluates it on every row
 * (`example.org` at 1,000,000 users: 36 ms to count 10,001 matches, 4.7 ms without it). So: count with it up to
 * the list's own threshold, and past that (a dense term) with the plain LIKE alone. `found`, given only when
 * `query` is the search alone, is the list's answer to that first question: up to the threshold its ids are the
 * matches, past it the count goes straight to the plain LIKE (the same query run twice at once cost `.hiro@`,
 * 83,000 matches at 1,000,000 users, ~65 ms of a second backend).
 */
async function countMarkedSearch<DB, TB extends keyof DB, O>(
  db: Db,
  terms: string[],
  query: (indexed: boolean) => SelectQueryBuilder<DB, TB, O>,
  found?: Promise<SearchCandidates>,
): Promise<{ total: number; exact: boolean }> {
  if (!terms.some(hasMarks)) return countUpTo(db, query(true));
  const candidates = await found;
  if (candidates === 'broad') return countUpTo(db, query(false));
  if (Array.isArray(candidates)) return { total: candidates.length, exact: true };
  const few = await countUpTo(db, query(true), narrowSearchLimit);
  return few.exact ? few : countUpTo(db, query(false));
}

/** Rows of `query` counted up to `limit`; past it, the limit as a lower bound. */
export async function countUpTo<DB, TB extends keyof DB, O>(
  db: Db,
  query: SelectQueryBuilder<DB, TB, O>,
  limit = exactCountLimit,
): Promise<{ total: number; exact: boolean }> {
  const capped = query.limit(limit + 1);
  const result = await sql<{ n: string | number }>`SELECT COUNT(*) AS n FROM (${capped}) AS matches`.execute(db);
  const n = Number(result.rows[0]?.n ?? 0);
  return n > limit ? { total: limit, exact: false } : { total: n, exact: true };
}

/** Users per folder (`path`), among the users the filter lets through (a delegated admin's scope). */
export async function folderCounts(db: Db, dialect: Dialect, filter: UserFilter): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('users')
    .select(['users.path', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where((eb) => eb.and(filterConditions(eb, dialect, filter)))
    .groupBy('users.path')
    .execute();
  return new Map(rows.map((r) => [r.path, Number(r.n)]));
}

export type UserRelations = {
  roles: Map<string, { id: string; name: string }[]>;
  groups: Map<string, { id: string; name: string }[]>;
  organizations: Map<string, { id: string; name: string }[]>;
  sessionCounts: Map<string, number>;
  apiKeyCounts: Map<string, number>;
};

/**
 * Loads what a page of users shows beside its own columns in one query for the whole page: their roles, groups
 * and organizations (by name) and their session and API key counts, as rows of one UNION ALL. One round trip
 * instead of five matters on the sign-in path, which answers with the user (each query costs its building and
 * compiling as well as its execution).
 */
export async function loadUserRelations(db: Db, ids: string[]): Promise<UserRelations> {
  const relations: UserRelations = {
    roles: new Map(),
    groups: new Map(),
    organizations: new Map(),
    sessionCounts: new Map(),
    apiKeyCounts: new Map(),
  };
  if (ids.length === 0) return relations;
  const list = sql.join(ids);
  const { rows } = await sql<RelationRow>`
    SELECT 'role' AS kind, ur.user_id, r.id, r.name, CAST(NULL AS BIGINT) AS n
      FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (${list})
    UNION ALL
    SELECT 'group', gm.user_id, g.id, g.name, NULL
      FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id IN (${list})
    UNION ALL
    SELECT 'organization', om.user_id, o.id, o.name, NULL
      FROM organization_members om JOIN organizations o ON o.id = om.organization_id WHERE om.user_id IN (${list})
    UNION ALL
    SELECT 'sessions', user_id, NULL, NULL, COUNT(*) FROM sessions WHERE user_id IN (${list}) GROUP BY user_id
    UNION ALL
    SELECT 'api-keys', owner_id, NULL, NULL, COUNT(*) FROM api_keys WHERE owner_id IN (${list}) GROUP BY owner_id
    ORDER BY kind, name`.execute(db);
  const named = { role: relations.roles, group: relations.groups, organization: relations.organizations };
  for (const row of rows) {
    if (row.kind === 'sessions') relations.sessionCounts.set(row.user_id, Number(row.n));
    else if (row.kind === 'api-keys') relations.apiKeyCounts.set(String(row.user_id), Number(row.n));
    else {
      const byUser = named[row.kind];
      const ref = { id: String(row.id), name: String(row.name) };
      const held = byUser.get(row.user_id);
      if (held) held.push(ref);
      else byUser.set(row.user_id, [ref]);
    }
  }
  return relations;
}

type RelationRow = {
  kind: 'role' | 'group' | 'organization' | 'sessions' | 'api-keys';
  user_id: string;
  id: string | null;
  name: string | null;
  n: string | number | null;
};

/** Organization ids a user belongs to (for delegated-admin checks). */
export async function organizationIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('organization_members')
    .select('organization_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.organization_id);
}

/** Whether any user holds the built-in Admin role directly. */
export async function anyAdminExists(db: Db, adminRoleId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_roles')
    .select('user_id')
    .where('role_id', '=', adminRoleId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Names of the groups and organizations a user belongs to, for its search text. */
export async function membershipNamesOf(db: Db, userId: string): Promise<string[]> {
  const [groups, organizations] = await Promise.all([
    db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select('groups.name')
      .where('group_members.user_id', '=', userId)
      .execute(),
    db
      .selectFrom('organization_members')
      .innerJoin('organizations', 'organizations.id', 'organization_members.organization_id')
      .select('organizations.name')
      .where('organization_members.user_id', '=', userId)
      .execute(),
  ]);
  return [...groups, ...organizations].map((r) => r.name);
}
