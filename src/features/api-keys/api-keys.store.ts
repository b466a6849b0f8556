/** SQL for API keys: the only place that reads and writes the api_keys table (resolution aside). */
import type { Selectable } from 'kysely';
import type { ApiKeysTable, Db } from '../../db/database.ts';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function findApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user's personal keys, or the system keys when `ownerId` is null; newest first. */
export async function listApiKeys(db: Db, ownerId: string | null): Promise<ApiKeyRow[]> {
  const q = db.selectFrom('api_keys').selectAll();
  return (ownerId === null ? q.where('owner_id', 'is', null) : q.where('owner_id', '=', ownerId))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();
}

export async function deleteApiKey(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
