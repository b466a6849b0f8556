/** SQL for applications (OAuth clients): the only place that reads and writes the applications table. */
import { type Selectable, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { escapeLike } from '../../db/dialect.ts';

export interface ApplicationsTable {
  id: string;
  client_id: string;
  name: string;
  name_key: string;
  type: 'confidential' | 'public';
  secret_hash: string | null;
  secret_created_at: string | null;
  /** JSON arrays of strings. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  grant_types: string;
  first_party: number;
  backchannel_logout_uri: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../db/database.ts' {
  interface Database {
    applications: ApplicationsTable;
  }
}

export type ApplicationRow = Selectable<ApplicationsTable>;

export async function insertApplication(db: Db, row: ApplicationRow): Promise<void> {
  await db.insertInto('applications').values(row).execute();
}

export async function findApplication(db: Db, id: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findApplicationByClientId(db: Db, clientId: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function updateApplication(db: Db, id: string, values: Partial<ApplicationRow>): Promise<void> {
  await db.updateTable('applications').set(values).where('id', '=', id).execute();
}

export async function deleteApplication(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** `q` matches a part of the name (any case) or the whole client id. */
function matching(db: Db, q: string | undefined) {
  const query = db.selectFrom('applications');
  if (!q) return query;
  const like = sql<SqlBool>`name_key LIKE ${`%${escapeLike(q.toLowerCase())}%`} ESCAPE '\\'`;
  return query.where((eb) => eb.or([like, eb('client_id', '=', q)]));
}

/** Newest first (ids are time-ordered); `beforeId` is the last id of the previous page. */
export async function listApplications(
  db: Db,
  q: string | undefined,
  limit: number,
  beforeId: string | undefined,
): Promise<ApplicationRow[]> {
  let query = matching(db, q).selectAll();
  if (beforeId !== undefined) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

export async function countApplications(db: Db, q: string | undefined): Promise<number> {
  const row = await matching(db, q)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
