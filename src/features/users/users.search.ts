/**
 * `q` search over users. Each whitespace-separated term must appear somewhere in the user's search text
 * (username, display name, email, department, and the names of its groups, roles and organizations).
 * Terms of 3+ characters use the trigram index (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`), so a search at
 * 1,000,000 users reads only candidate rows; shorter terms fall back to a scan.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../db/database.ts';
import { escapeLike } from '../../db/dialect.ts';

export function buildSearchText(parts: ReadonlyArray<string | null | undefined>): string {
  return parts
    .filter((p): p is string => Boolean(p))
    .join(' ')
    .normalize('NFKC')
    .toLowerCase()
    .slice(0, 4000);
}

export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return q.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
}

export function searchCondition(dialect: Dialect, terms: string[]): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const long = terms.filter((t) => [...t].length >= 3);
  const short = terms.filter((t) => [...t].length < 3);
  if (dialect === 'sqlite' && long.length > 0) {
    // FTS5 phrase syntax: a term in double quotes, inner quotes doubled; nothing in it is an operator.
    const match = long.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ');
    conditions.push(sql<SqlBool>`users.rowid IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ${match})`);
  }
  const likeTerms = dialect === 'sqlite' ? short : terms;
  for (const term of likeTerms) {
    conditions.push(sql<SqlBool>`users.search_text LIKE ${`%${escapeLike(term)}%`} ESCAPE '\\'`);
  }
  return conditions;
}
