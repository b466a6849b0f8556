/** SQL for the mail outbox: the only place that reads and writes mail_outbox. */
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface MailOutboxTable {
  id: string;
  to_address: string;
  template: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  /** 'pending' (waiting or retrying), 'sent', or 'failed' (gave up after the last attempt). */
  status: string;
  attempts: number;
  next_attempt_at: string;
  /** A claim by one delivery run; a crashed run's claim lapses and the message is retried. */
  locked_until: string | null;
  last_error: string | null;
  provider: string | null;
  created_at: string;
  sent_at: string | null;
}
export type OutboxRow = Selectable<MailOutboxTable>;

declare module '../db/database.ts' {
  interface Database {
    mail_outbox: MailOutboxTable;
  }
}

export async function insertMessage(db: Db, row: MailOutboxTable): Promise<void> {
  await db.insertInto('mail_outbox').values(row).execute();
}

/** Ids of messages due now: pending, their time come, and not claimed by a live run. */
export async function dueMessageIds(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Claims one message with a conditional update, so two runs (or two nodes) never send it twice. */
export async function claimMessage(db: Db, id: string, now: string, until: string): Promise<OutboxRow | undefined> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ locked_until: until })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateMessage(db: Db, id: string, values: Partial<MailOutboxTable>): Promise<void> {
  await db.updateTable('mail_outbox').set(values).where('id', '=', id).execute();
}

export type OutboxFilter = { status?: string | undefined; to?: string | undefined };

export async function listMessages(
  db: Db,
  filter: OutboxFilter,
  limit: number,
  cursor: { value: string; id: string } | undefined,
): Promise<OutboxRow[]> {
  let query = db.selectFrom('mail_outbox').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.to) query = query.where('to_address', '=', filter.to);
  if (cursor) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.value),
        eb.and([eb('created_at', '=', cursor.value), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function countMessages(db: Db, filter: OutboxFilter): Promise<number> {
  let query = db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.to) query = query.where('to_address', '=', filter.to);
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findMessage(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes delivered messages older than `before`; failed ones stay until an admin has seen them. */
export async function deleteSentBefore(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('mail_outbox')
    .where('status', '=', 'sent')
    .where('sent_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
