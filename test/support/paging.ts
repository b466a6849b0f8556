import assert from 'node:assert/strict';

export type CursorPage<T> = { items: T[]; nextCursor: string | null };

/**
 * Every item of a cursor-paged list, following nextCursor to the end. A cursor that comes back fails the test at
 * once: a page query that ignored its cursor would otherwise loop for ever and hang the suite.
 */
export async function followCursors<T>(fetchPage: (cursor: string | null) => Promise<CursorPage<T>>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: CursorPage<T> = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
    if (cursor !== null) {
      assert.ok(!seen.has(cursor), `cursor ${cursor} was answered twice`);
      seen.add(cursor);
    }
  } while (cursor !== null);
  return out;
}
