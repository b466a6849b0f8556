/** The audit trail's read side: filtered cursor pages, per-user views, JSON Lines and CSV export, retention. */
import type * as CsvStringify from 'csv-stringify/sync';
import { type Clock, iso } from '../../clock.ts';
import type { Db, EventsTable } from '../../db/database.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { lazyRequire } from '../../lazy-require.ts';
import type { Caller } from '../access/caller.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { EventDto, ListEventsQuery } from './events.schema.ts';
import { deleteEventsBefore, type EventFilter, iterateEventRows, listEventRows } from './events.store.ts';

/** Loaded at the first CSV export, not at start (footprint). */
const csv = lazyRequire<typeof CsvStringify>('csv-stringify/sync');

export function toEventDto(row: EventsTable): EventDto {
  return {
    id: row.id,
    at: row.at,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    ip: row.ip,
    userAgent: row.user_agent,
    outcome: row.outcome,
    details: JSON.parse(row.details) as EventDto['details'],
  };
}

const csvColumns = [
  'id',
  'at',
  'actorType',
  'actorId',
  'actorName',
  'action',
  'targetType',
  'targetId',
  'ip',
  'userAgent',
  'outcome',
  'details',
];

export class EventsQueryService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
  ) {}

  async list(query: ListEventsQuery): Promise<Page<EventDto>> {
    const rows = await listEventRows(this.db, query, query.limit + 1, decodeCursor(query.cursor));
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toEventDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: last.at, id: last.id }) : null,
      // The trail grows without bound: a page reports only whether more follow, never a full count.
      total: page.length + (rows.length > query.limit ? 1 : 0),
      totalExact: rows.length <= query.limit && !query.cursor,
    };
  }

  /** Events about one user (as target) or by it (as actor), scoped like the user itself. */
  async forUser(caller: Caller, userId: string, query: ListEventsQuery): Promise<Page<EventDto>> {
    await this.users.getRowFor(caller, userId, 'users:read');
    const [asTarget, asActor] = await Promise.all([
      this.list({ ...query, target: userId }),
      this.list({ ...query, actor: userId }),
    ]);
    const merged = new Map([...asTarget.items, ...asActor.items].map((e) => [e.id, e]));
    const items = [...merged.values()]
      .sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)))
      .slice(0, query.limit);
    return {
      items,
      nextCursor: asTarget.nextCursor,
      total: items.length,
      totalExact: !asTarget.nextCursor && !asActor.nextCursor,
    };
  }

  /** Yields the export line by line: JSON Lines, or CSV with a header row. */
  async *export(filter: EventFilter, format: 'jsonl' | 'csv'): AsyncGenerator<string> {
    if (format === 'csv') yield csv().stringify([csvColumns]);
    for await (const row of iterateEventRows(this.db, filter)) {
      const e = toEventDto(row);
      if (format === 'jsonl') yield `${JSON.stringify(e)}\n`;
      else
        yield csv().stringify([
          [
            e.id,
            e.at,
            e.actor.type,
            e.actor.id,
            e.actor.name,
            e.action,
            e.target.type,
            e.target.id,
            e.ip,
            e.userAgent,
            e.outcome,
            JSON.stringify(e.details),
          ],
        ]);
    }
  }

  /** Deletes events older than auditRetentionDays; run by a periodic job. */
  async enforceRetention(): Promise<number> {
    const { auditRetentionDays } = await this.settings.get();
    const cutoff = new Date(this.clock.now().getTime() - auditRetentionDays * 86_400_000);
    return deleteEventsBefore(this.db, iso(cutoff));
  }
}
