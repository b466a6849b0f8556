/**
 * Session monitoring: a user lists and ends its own sessions; an admin lists every live session (filtered by
 * user, scoped to its organizations) and ends one, one user's, or all of them. Only live sessions are listed:
 * an expired or idle one can no longer be used, whatever its row says.
 */
import { type Clock, iso } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { AppError, fieldError } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import type { Permission } from '../access/permissions.ts';
import { recordEvent } from '../events/events.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { type AdminSessionDto, type SessionDto, toSessionDto } from './sessions.schema.ts';
import {
  countLiveSessions,
  deleteSession,
  deleteSessionsWhere,
  findSession,
  listLiveSessions,
  type SessionFilter,
} from './sessions.store.ts';

export type SessionListQuery = { userId?: string | undefined; limit: number; cursor?: string | undefined };

export class SessionMonitorService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
  ) {}

  private async live(extra: Partial<SessionFilter> = {}): Promise<SessionFilter> {
    const now = this.clock.now();
    const { sessionIdleMinutes } = await this.settings.get();
    return { now: iso(now), idleSince: iso(new Date(now.getTime() - sessionIdleMinutes * 60_000)), ...extra };
  }

  /** The caller's own live sessions, the one it calls with marked `current`. */
  async listOwn(userId: string, currentId: string | null): Promise<SessionDto[]> {
    const rows = await listLiveSessions(this.db, await this.live({ userId }), 1000);
    return rows.map((r) => toSessionDto(r, currentId));
  }

  /** Ends one of the caller's own sessions; another user's session id answers 404 like a missing one. */
  async revokeOwn(caller: Caller, sessionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await findSession(trx, sessionId);
      if (!row || row.user_id !== caller.user?.id) throw sessionNotFound();
      await this.end(trx, caller, sessionId, row.user_id);
    });
  }

  /** Every live session the caller may see, newest first, optionally for one user. */
  async list(caller: Caller, query: SessionListQuery, currentId: string | null): Promise<Page<AdminSessionDto>> {
    const filter = await this.live({ userId: query.userId, organizationScope: scopeFor(caller, 'sessions:read') });
    const decoded = decodeCursor(query.cursor);
    if (decoded && (typeof decoded.value !== 'string' || `${decoded.value}${decoded.id}`.includes('\u0000'))) {
      throw fieldError('cursor', 'is not a cursor this server issued');
    }
    const cursor = decoded ? { createdAt: String(decoded.value), id: decoded.id } : undefined;
    const [rows, total] = await Promise.all([
      listLiveSessions(this.db, filter, query.limit + 1, cursor),
      countLiveSessions(this.db, filter),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({ ...toSessionDto(r, currentId), username: r.username })),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: last.created_at, id: last.id }) : null,
      total,
      totalExact: true,
    };
  }

  /** A user's live sessions; a user outside the caller's organizations is a 404 (UsersService.getRowFor). */
  async listOfUser(caller: Caller, userId: string, currentId: string | null): Promise<SessionDto[]> {
    await this.users.getRowFor(caller, userId, 'sessions:read');
    return this.listOwn(userId, currentId);
  }

  /** Ends one session of any user in the caller's scope. */
  async revoke(caller: Caller, sessionId: string): Promise<void> {
    const row = await findSession(this.db, sessionId);
    if (!row) throw sessionNotFound();
    await this.db.transaction().execute(async (trx) => {
      // A session of a user outside the caller's scope does not exist for it.
      await this.users.getRowFor(caller, row.user_id, 'sessions:revoke', trx).catch((error: unknown) => {
        throw error instanceof AppError && error.code === 'USER_NOT_FOUND' ? sessionNotFound() : error;
      });
      await this.end(trx, caller, sessionId, row.user_id);
    });
  }

  /** Ends every session of one user (an incident: a stolen laptop). */
  async revokeAllOfUser(caller: Caller, userId: string): Promise<number> {
    const filter = await this.live({ userId });
    return this.db.transaction().execute(async (trx) => {
      await this.users.getRowFor(caller, userId, 'sessions:revoke', trx);
      const ended = await deleteSessionsWhere(trx, filter, null);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'session.revoke-all',
        target: { type: 'user', id: userId },
        details: { sessionsEnded: ended },
      });
      return ended;
    });
  }

  /** Ends every session in the caller's scope (optionally one user's) except the caller's own. */
  async revokeAll(caller: Caller, userId: string | undefined, keepId: string | null): Promise<number> {
    const filter = await this.live({ userId, organizationScope: scopeFor(caller, 'sessions:revoke') });
    return this.db.transaction().execute(async (trx) => {
      const ended = await deleteSessionsWhere(trx, filter, keepId);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'session.revoke-all',
        target: userId ? { type: 'user', id: userId } : null,
        details: { sessionsEnded: ended, scope: filter.organizationScope ?? 'all' },
      });
      return ended;
    });
  }

  private async end(trx: Db, caller: Caller, sessionId: string, userId: string): Promise<void> {
    await deleteSession(trx, sessionId);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'session.revoke',
      target: { type: 'session', id: sessionId },
      details: { userId },
    });
  }
}

function scopeFor(caller: Caller, permission: Permission): string[] | undefined {
  const scope = scopeOf(caller.access, permission);
  return scope === 'all' ? undefined : scope;
}

function sessionNotFound(): AppError {
  return new AppError('NOT_FOUND', { detail: 'Session not found' });
}
