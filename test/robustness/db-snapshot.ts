/**
 * A fingerprint of every table (row count and a checksum of the rows), to prove a barrage of hostile requests
 * changed nothing. The events table legitimately grows with denied attempts: it is compared by count only, and
 * columns that record "last used" moments are left out.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Dialect } from '../../src/db/database.ts';

const volatileColumn = /^(last_(seen|used|login)|lastSeen|last_activity|expires_at|updated_at)/i;
/** Copies of a volatile column kept elsewhere: PostgreSQL's order of users by last sign-in (migration 0700). */
const volatileCopies = new Set(['user_sign_in_order.sort_key']);
const countOnly = new Set(['events', 'kysely_migration', 'kysely_migration_lock']);

async function tables(db: Db, dialect: Dialect): Promise<string[]> {
  const q =
    dialect === 'sqlite'
      ? sql<{
          name: string;
        }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name`
      : sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
  return (await q.execute(db)).rows.map((r) => r.name);
}

export async function snapshot(db: Db, dialect: Dialect): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of await tables(db, dialect)) {
    const rows = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db)).rows;
    if (countOnly.has(table)) {
      out[table] = `${rows.length} rows (count only)`;
      continue;
    }
    const lines = rows
      .map((row) =>
        JSON.stringify(
          Object.entries(row)
            .filter(([k]) => !volatileColumn.test(k) && !volatileCopies.has(`${table}.${k}`))
            .sort(([a], [b]) => a.localeCompare(b)),
        ),
      )
      .sort();
    out[table] = `${rows.length} rows ${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}
