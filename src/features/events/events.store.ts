/** SQL of the audit trail: the insert behind recordEvent, and the reads, newest first by (at, id). */
import type { Db, EventsTable } from '../../db/database.ts';
import { escapeLike } from '../../db/dialect.ts';
import { everyColumn, preparedInsert } from '../../db/prepared.ts';
import type { Cursor } from '../../http/pagination.ts';

/** Every column of an event row: the one-row insert below and the import's batched inserts both write these. */
export const eventColumns = everyColumn<EventsTable>()([
  'id',
  'at',
  'actor_type',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'outcome',
  'details',
]);

/** Prepared: nearly every request that changes something records one (each sign-in does). */
export const insertEvent = preparedInsert<EventsTable>('events', eventColumns);

export type EventFilter = {
  q?: string | undefined;
  actor?: string | undefined;
  target?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

function filtered(db: Db, f: EventFilter) {
  let q = db.selectFrom('events').selectAll();
  if (f.actor) q = q.where((eb) => eb.or([eb('actor_id', '=', f.actor!), eb('actor_name', '=', f.actor!)]));
  if (f.target) q = q.where('target_id', '=', f.target);
  if (f.action)
    q = f.action.endsWith('.')
      ? q.where('action', 'like', `${escapeLike(f.action)}%`)
      : q.where('action', '=', f.action);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.from) q = q.where('at', '>=', new Date(f.from).toISOString());
  if (f.to) q = q.where('at', '<', new Date(f.to).toISOString());
  if (f.q) {
    const like = `%${escapeLike(f.q.toLowerCase())}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['action']), 'like', like),
        eb(eb.fn('lower', ['actor_name']), 'like', like),
        eb('target_id', 'like', like),
      ]),
    );
  }
  return q;
}

export async function listEventRows(db: Db, f: EventFilter, limit: number, cursor?: Cursor) {
  let q = filtered(db, f);
  if (cursor) {
    const at = String(cursor.value);
    q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', cursor.id)])]));
  }
  return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Streams matching events in pages, newest first, so an export never holds the whole trail in memory. */
export async function* iterateEventRows(db: Db, f: EventFilter, pageSize = 1000) {
  let cursor: Cursor | undefined;
  for (;;) {
    const rows = await listEventRows(db, f, pageSize, cursor);
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    cursor = { value: last.at, id: last.id };
  }
}

export async function deleteEventsBefore(db: Db, at: string): Promise<number> {
  const r = await db.deleteFrom('events').where('at', '<', at).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Whether an event of this action and outcome about this target was recorded after `since` (ISO time). */
export async function eventSince(
  db: Db,
  match: { action: string; targetId: string; outcome: string },
  since: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('events')
    .select('id')
    .where('target_id', '=', match.targetId)
    .where('at', '>', since)
    .where('action', '=', match.action)
    .where('outcome', '=', match.outcome)
    .executeTakeFirst();
  return row !== undefined;
}
