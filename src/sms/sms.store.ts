/** Sent-message log per phone number: the rate limit counts it. */
import type { Db } from '../db/database.ts';

export interface SmsSendsTable {
  id: string;
  phone: string;
  sent_at: string;
}

declare module '../db/database.ts' {
  interface Database {
    sms_sends: SmsSendsTable;
  }
}

/** Records a send; sends of this number older than `keepSince` are no longer counted and go. */
export async function insertSend(db: Db, row: SmsSendsTable, keepSince: string): Promise<void> {
  await db.deleteFrom('sms_sends').where('phone', '=', row.phone).where('sent_at', '<', keepSince).execute();
  await db.insertInto('sms_sends').values(row).execute();
}

export async function countSendsSince(db: Db, phone: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('sms_sends')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('phone', '=', phone)
    .where('sent_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function oldestSendSince(db: Db, phone: string, since: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('sms_sends')
    .select('sent_at')
    .where('phone', '=', phone)
    .where('sent_at', '>=', since)
    .orderBy('sent_at')
    .limit(1)
    .executeTakeFirst();
  return r?.sent_at;
}

export async function deleteSend(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sms_sends').where('id', '=', id).execute();
}
