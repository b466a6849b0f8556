/** Runs work in a transaction: the caller's own when `db` already is one, or a new one. */
import type { Db } from './database.ts';

/**
 * Services open their own transaction, but a change made of several service calls (a SCIM PUT: fields, status
 * and externalId) must commit or roll back as one. Kysely cannot nest transactions, so a service handed a
 * transaction joins it instead of opening another.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
