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

/** An FTS5 query requiring every term: each a quoted phrase (inner quotes doubled), so nothing in it is an operator. */
export function ftsMatch(terms: string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ');
}

/**
 * `candidates`: `'broad'` when the terms match so many users that reading every candidate from the index
 * and sorting them costs more than walking the sort index and testing each row's search text (matches are dense,
 * so a page fills fast); else the rows the trigram index already gave (SQLite rowids for the long terms, PostgreSQL
 * ids for all terms), so it is not asked twice and the page sorts only those.
 */
export function searchCondition(
  dialect: Dialect,
  terms: string[],
  candidates?: 'broad' | number[] | string[],
): Expression<SqlBool>[] {
  if (dialect === 'postgres') return postgresSearchCondition(terms, candidates);
  const broad = candidates === 'broad';
  const long = broad ? [] : terms.filter((t) => [...t].length >= 3);
  const short = broad ? terms : terms.filter((t) => [...t].length < 3);
  const conditions: Expression<SqlBool>[] = [];
  if (Array.isArray(candidates)) {
    conditions.push(
      candidates.length === 0
        ? sql<SqlBool>`1 = 0`
        : sql<SqlBool>`users.rowid IN (${sql.join(candidates.map((id) => sql.lit(Number(id))))})`,
    );
  } else if (long.length > 0) {
    const match = ftsMatch(long);
    conditions.push(sql<SqlBool>`users.rowid IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ${match})`);
  }
  return [...conditions, ...substringConditions(usersText, short, false)];
}

/**
 * PostgreSQL: the given ids; or, broad, each users row's own text; else the users whose copy of the text in
 * user_search matches, through that table's trigram indexes (migration 0800).
 */
function postgresSearchCondition(terms: string[], candidates?: 'broad' | number[] | string[]): Expression<SqlBool>[] {
  if (Array.isArray(candidates)) {
    const ids = candidates.map(String);
    return [ids.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`users.id IN (${sql.join(ids)})`];
  }
  if (candidates === 'broad') return substringConditions(usersText, terms, false);
  if (terms.length === 0) return [];
  const matching = sql.join(substringConditions(searchTableText, terms, true), sql` AND `);
  return [sql<SqlBool>`users.id IN (SELECT user_search.user_id FROM user_search WHERE ${matching})`];
}

const usersText = sql<string>`users.search_text`;
/** PostgreSQL's copy of the search text (migration 0800), which its trigram indexes cover. */
export const searchTableText = sql<string>`user_search.search_text`;

/**
 * Each term as a substring of `text` (LIKE). `indexed`: a PostgreSQL term with punctuation also asks the index of
 * the text with its marks mapped (pg_trgm alone drops them); the plain LIKE stays the exact test. A scan row by row
 * does without it (it would only cost a second test per row).
 */
export function substringConditions(
  text: Expression<string>,
  terms: string[],
  indexed: boolean,
): Expression<SqlBool>[] {
  return terms.flatMap((term) => {
    const like = sql<SqlBool>`${text} LIKE ${`%${escapeLike(term)}%`} ESCAPE '\\'`;
    if (!indexed || !hasMarks(term)) return [like];
    const mapped = sql<SqlBool>`translate(${text}, ${sql.lit(marks)}, ${sql.lit(markLetters)}) LIKE ${`%${escapeLike(mapMarks(term))}%`} ESCAPE '\\'`;
    return [mapped, like];
  });
}

/**
 * The marks migration 0550 maps to letters in its PostgreSQL index, and those letters, in the same order. The
 * expression here must be the index's very text (literals, not parameters) for the planner to use it.
 */
const marks = ".@_-+'";
const markLetters = 'ꜳꜵꜷꜹꜻꜽ';
/** Whether a term holds any of the marks (PostgreSQL then also asks the mark-mapped index). */
export function hasMarks(term: string): boolean {
  return mapMarks(term) !== term;
}

/** The term as that index holds text: each mark replaced by its letter (the term itself when it has none). */
function mapMarks(term: string): string {
  return Array.from(term, (c) => markLetters[marks.indexOf(c)] ?? c).join('');
}
