/** Session rows. Tokens are stored only as SHA-256 hashes; the lookup by hash is the hot path (unique index). */
import type { Db, SessionRow, UserRow } from '../../db/database.ts';
import { everyColumn, preparedInsert } from '../../db/prepared.ts';

const sessionInsert = preparedInsert<SessionRow>(
  'sessions',
  everyColumn<SessionRow>()([
    'id',
    'user_id',
    'token_hash',
    'created_at',
    'last_seen_at',
    'expires_at',
    'ip',
    'user_agent',
  ]),
);

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await sessionInsert(db, row);
}

export async function findSessionWithUser(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const session = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!session) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  return user ? { session, user } : undefined;
}

export async function touchSession(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<number> {
  const r = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Ends every session of a user, except `keepId` when given (a password change keeps the caller's). */
export async function deleteUserSessions(db: Db, userId: string, keepId?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepId) q = q.where('id', '!=', keepId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function listUserSessions(db: Db, userId: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A session row with its user's name, for the admin monitor. */
export type SessionWithUser = SessionRow & { username: string };

export type SessionFilter = {
  /** Sessions still usable at this instant: not past their absolute expiry, not idle since `idleSince`. */
  now: string;
  idleSince: string;
  userId?: string | undefined;
  /** Restricts to members of these organizations (a delegated admin's scope). */
  organizationScope?: string[] | undefined;
};

function liveSessions(db: Db, filter: SessionFilter) {
  let q = db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .where('sessions.expires_at', '>', filter.now)
    .where('sessions.last_seen_at', '>', filter.idleSince);
  if (filter.userId) q = q.where('sessions.user_id', '=', filter.userId);
  const scope = filter.organizationScope;
  if (scope) {
    q = q.where('sessions.user_id', 'in', (eb) =>
      eb
        .selectFrom('organization_members')
        .select('organization_members.user_id')
        .where('organization_members.organization_id', 'in', scope.length > 0 ? scope : ['']),
    );
  }
  return q;
}

/** One page of live sessions, newest first; the cursor is the last row's (created_at, id). */
export async function listLiveSessions(
  db: Db,
  filter: SessionFilter,
  limit: number,
  cursor?: { createdAt: string; id: string },
): Promise<SessionWithUser[]> {
  let q = liveSessions(db, filter).selectAll('sessions').select('users.username');
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('sessions.created_at', '<', cursor.createdAt),
        eb.and([eb('sessions.created_at', '=', cursor.createdAt), eb('sessions.id', '<', cursor.id)]),
      ]),
    );
  }
  return q.orderBy('sessions.created_at', 'desc').orderBy('sessions.id', 'desc').limit(limit).execute();
}

export async function countLiveSessions(db: Db, filter: SessionFilter): Promise<number> {
  const row = await liveSessions(db, filter)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Ends every session the filter selects except `keepId`; answers how many ended. */
export async function deleteSessionsWhere(db: Db, filter: SessionFilter, keepId: string | null): Promise<number> {
  const ids = (await liveSessions(db, filter).select('sessions.id').execute()).map((r) => r.id);
  const doomed = ids.filter((id) => id !== keepId);
  let ended = 0;
  // Chunks keep the statement under SQLite's bound-parameter limit.
  for (let i = 0; i < doomed.length; i += 500) {
    const r = await db
      .deleteFrom('sessions')
      .where('id', 'in', doomed.slice(i, i + 500))
      .executeTakeFirst();
    ended += Number(r.numDeletedRows);
  }
  return ended;
}
