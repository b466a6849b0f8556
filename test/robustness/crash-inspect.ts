/**
 * Reads a killed process's database directly (SQLite file or PostgreSQL) for the crash tests: integrity, the
 * users of one name pattern, and which of them have their audit event, a group and a role.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type CrashState = {
  /** SQLite: PRAGMA integrity_check and the FTS5 index check; PostgreSQL: 'ok' (it recovers by itself). */
  integrity: string;
  users: { id: string; username: string }[];
  events: Set<string>;
  groupMembers: Set<string>;
  roleHolders: Set<string>;
};

const queries = {
  users: 'SELECT id, username FROM users WHERE username LIKE $1',
  events: "SELECT target_id FROM events WHERE action IN ('user.create', 'user.import.create')",
  groupMembers: 'SELECT DISTINCT user_id FROM group_members',
  roleHolders: 'SELECT DISTINCT user_id FROM user_roles',
};

export type Inspector = {
  /** Users whose username starts with `prefix` (cheap: for polling while the process runs). */
  count(prefix: string): Promise<number>;
  /** Everything, once the process is dead. */
  state(prefix: string): Promise<CrashState>;
};

export function sqliteInspector(dataDir: string): Inspector {
  const file = path.join(dataDir, 'gatehouse.db');
  const ids = (db: Database.Database, q: string, key: string) =>
    new Set((db.prepare(q).all() as Record<string, string>[]).map((r) => r[key] as string));
  return {
    async count(prefix) {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM users WHERE username LIKE ?').get(`${prefix}%`) as { n: number })
          .n;
      } finally {
        db.close();
      }
    },
    async state(prefix) {
      // Read-write: opening replays the WAL the killed process left, and the FTS5 check is an INSERT command.
      const db = new Database(file);
      try {
        const integrity = String(db.pragma('integrity_check', { simple: true }));
        let fts = 'ok';
        try {
          db.prepare("INSERT INTO users_fts(users_fts, rank) VALUES ('integrity-check', 1)").run();
        } catch (error) {
          fts = (error as Error).message;
        }
        return {
          integrity: integrity === 'ok' && fts === 'ok' ? 'ok' : `${integrity}; fts: ${fts}`,
          users: db.prepare(queries.users.replace('$1', '?')).all(`${prefix}%`) as CrashState['users'],
          events: ids(db, queries.events, 'target_id'),
          groupMembers: ids(db, queries.groupMembers, 'user_id'),
          roleHolders: ids(db, queries.roleHolders, 'user_id'),
        };
      } finally {
        db.close();
      }
    },
  };
}

export function postgresInspector(databaseUrl: string): Inspector {
  const withClient = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const ids = async (c: pg.Client, q: string, key: string) =>
    new Set((await c.query(q)).rows.map((r: Record<string, string>) => r[key] as string));
  return {
    count: (prefix) =>
      withClient(async (c) =>
        Number((await c.query('SELECT count(*) AS n FROM users WHERE username LIKE $1', [`${prefix}%`])).rows[0].n),
      ),
    state: (prefix) =>
      withClient(async (c) => ({
        integrity: 'ok',
        users: (await c.query(queries.users, [`${prefix}%`])).rows,
        events: await ids(c, queries.events, 'target_id'),
        groupMembers: await ids(c, queries.groupMembers, 'user_id'),
        roleHolders: await ids(c, queries.roleHolders, 'user_id'),
      })),
  };
}

/** Users of `state` lacking their audit event, or (when asked) a group or a role. */
export function partialUsers(state: CrashState, needs: { group?: boolean; role?: boolean }): string[] {
  return state.users
    .filter(
      (u) =>
        !state.events.has(u.id) ||
        (needs.group === true && !state.groupMembers.has(u.id)) ||
        (needs.role === true && !state.roleHolders.has(u.id)),
    )
    .map((u) => u.username);
}
