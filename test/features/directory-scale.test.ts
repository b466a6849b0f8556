/**
 * The user list's fast paths answer like the plain query: a search matching more users than the trigram
 * candidate bound (it walks up to 2,000 rows of the sort order, then sorts the matches), a group filter and its
 * count read from group_members, and cursor pages over rows sharing a sort value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newUserRow } from '../../src/features/directory/user-row.ts';
import { fewUserIds } from '../../src/features/users/users.candidates.store.ts';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';
import { followCursors } from '../support/paging.ts';

type Page = {
  items: { id: string; username: string }[];
  nextCursor: string | null;
  total: number;
  totalExact: boolean;
};

async function page(t: TestApp, query: Record<string, string>): Promise<Page> {
  const r = await t.request('GET', '/api/admin/users', { token: t.adminToken, query });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as Page;
}

async function all(t: TestApp, query: Record<string, string>): Promise<string[]> {
  const items = await followCursors((cursor) => page(t, { limit: '200', ...query, ...(cursor ? { cursor } : {}) }));
  return items.map((u) => u.username);
}

/** Users inserted as rows (fast): `n` of them named `<tag>0000…`, seven to a second from `fromMs` on. */
function userRows(tag: string, n: number, fromMs: number) {
  return Array.from({ length: n }, (_, i) => {
    const username = `${tag}${String(i).padStart(4, '0')}`;
    const at = new Date(fromMs + Math.floor(i / 7) * 1000).toISOString();
    return newUserRow(`${tag}-${String(i).padStart(4, '0')}`, at, username, {
      display_name: i % 2 === 0 ? `Even ${i}` : null,
      search_text: `${username} ${i % 2 === 0 ? `even ${i}` : ''}`.trim(),
    });
  });
}

async function insertRows(t: TestApp, rows: ReturnType<typeof userRows>): Promise<void> {
  for (let i = 0; i < rows.length; i += 300)
    await t.app.services.db
      .insertInto('users')
      .values(rows.slice(i, i + 300))
      .execute();
}

/** A unique lower-case alphanumeric prefix: usernames and search text start with it. */
const tagOf = (prefix: string) =>
  unique(prefix)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const newestFirst = (rows: ReturnType<typeof userRows>) =>
  [...rows].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));

describeBothDialects('directory at scale', (tt) => {
  test('a broad search, a group filter and cursor pages over equal sort values list every match once, in order', async () => {
    const t = tt();
    const tag = tagOf('zq');
    const group = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: unique('Scale') },
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    // 2,100 users (past the 2,000 trigram candidates of a narrow search), every third in the group; many share
    // one created_at so the cursor has to break ties on the id.
    const db = t.app.services.db;
    const rows = userRows(tag, 2100, Date.UTC(2024, 0, 1));
    await insertRows(t, rows);
    const members = rows.filter((_, i) => i % 3 === 0);
    await db
      .insertInto('group_members')
      .values(members.map((r) => ({ group_id: group.body.id as string, user_id: r.id })))
      .execute();

    const byCreated = newestFirst(rows).map((r) => r.username);
    const broad = await all(t, { q: tag });
    assert.deepEqual(broad, byCreated, 'broad search: every match once, newest first');
    const first = await page(t, { q: tag, limit: '50' });
    assert.deepEqual([first.total, first.totalExact], [2100, true]);
    // Every term is still required: a broad one and a narrower one.
    assert.deepEqual(
      await all(t, { q: `${tag} even` }),
      byCreated.filter((u) => rows.find((r) => r.username === u)?.search_text.includes('even')),
    );

    const inGroup = await all(t, { group: group.body.name.toUpperCase(), q: tag });
    assert.deepEqual(
      inGroup,
      byCreated.filter((u) => members.some((m) => m.username === u)),
    );
    const groupPage = await page(t, { group: group.body.id, limit: '10' });
    assert.deepEqual([groupPage.total, groupPage.totalExact], [members.length, true]);
    assert.deepEqual((await page(t, { group: 'no-such-group' })).items, []);

    const byName = [...rows]
      .sort((a, b) => (a.display_name ?? '').localeCompare(b.display_name ?? '') || a.id.localeCompare(b.id))
      .map((r) => r.username);
    const sortedByName = await all(t, { q: tag, sort: 'displayName' });
    assert.equal(sortedByName.length, byName.length);
    assert.deepEqual(new Set(sortedByName), new Set(byName));
  });

  test('a broad search whose matches all sit behind thousands of newer users lists them in order (SQLite sorts the trigram matches)', async () => {
    const t = tt();
    const tag = tagOf('zo');
    const other = tagOf('zn');
    // 2,100 matches (a broad search), all older than 2,100 users that do not match: the first 2,000 rows of the
    // newest-first order hold no match, so a page cannot come from walking them. The others have signed in and the
    // matches never did, so the same holds for the order by last sign-in.
    const old = userRows(tag, 2100, Date.UTC(2023, 0, 1));
    const signedIn = userRows(other, 2100, Date.UTC(2025, 0, 1)).map((r) => ({ ...r, last_login_at: r.created_at }));
    await insertRows(t, [...old, ...signedIn]);
    const group = await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: unique('Far') } });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const members = old.filter((_, i) => i % 5 === 0);
    await t.app.services.db
      .insertInto('group_members')
      .values(members.map((r) => ({ group_id: group.body.id as string, user_id: r.id })))
      .execute();

    const byCreated = newestFirst(old).map((r) => r.username);
    assert.deepEqual(await all(t, { q: tag }), byCreated, 'every match once, newest first, over cursor pages');
    const first = await page(t, { q: tag, limit: '50' });
    assert.deepEqual(
      first.items.map((u) => u.username),
      byCreated.slice(0, 50),
    );
    // With a filter, and with a term too short for the trigram index (tested row by row among the matches).
    assert.deepEqual(
      await all(t, { q: tag, group: group.body.id }),
      byCreated.filter((u) => members.some((m) => m.username === u)),
    );
    assert.deepEqual(
      await all(t, { q: `${tag} 7` }),
      newestFirst(old)
        .filter((r) => r.search_text.includes('7'))
        .map((r) => r.username),
    );
    const byName = await all(t, { q: tag, sort: 'displayName' });
    assert.equal(byName.length, old.length);
    assert.deepEqual(new Set(byName), new Set(byCreated));
    // By last sign-in (none of the matches signed in: ties by id, highest first); PostgreSQL reads the order table of
    // migration 0700, which its insert trigger filled for these rows written straight into users.
    assert.deepEqual(
      await all(t, { q: tag, sort: '-lastLoginAt' }),
      [...old].sort((a, b) => b.id.localeCompare(a.id)).map((r) => r.username),
    );
    // One match signs in after everyone: the page after it lies beyond the 2,100 users who signed in and do not
    // match, which walking the order (2,000 rows) does not reach, so the fallback runs with a cursor (PostgreSQL:
    // joined to the order table, whose row the sign-in trigger moved).
    const latest = old[0] as (typeof old)[number];
    await t.app.services.db
      .updateTable('users')
      .set({ last_login_at: '2026-01-01T00:00:00.000Z' })
      .where('id', '=', latest.id)
      .execute();
    const rest = old.slice(1).sort((a, b) => b.id.localeCompare(a.id));
    const onePerPage: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 3; i++) {
      const p: Page = await page(t, { q: tag, sort: '-lastLoginAt', limit: '1', ...(cursor ? { cursor } : {}) });
      onePerPage.push(...p.items.map((u) => u.username));
      cursor = p.nextCursor;
    }
    assert.deepEqual(
      onePerPage,
      [latest, ...rest.slice(0, 2)].map((r) => r.username),
    );
  });

  test('counts of terms with punctuation are exact, past 2,000 matches too (PostgreSQL counts those without the marks index)', async () => {
    const t = tt();
    const tag = tagOf('zp');
    // 2,100 users at "<tag>.mail", 150 of them also "<tag>_x"; 100 more at "<tag> mail" (a space, not a dot) and
    // 100 at "<tag>xmail": neither may be counted for "<tag>.mail".
    const rows = userRows(tag, 2300, Date.UTC(2024, 6, 1)).map((r, i) => ({
      ...r,
      search_text:
        i < 2100
          ? `${r.username} ${tag}.mail${i < 150 ? ` ${tag}_x` : ''}`
          : `${r.username} ${tag}${i < 2200 ? ' ' : 'x'}mail`,
    }));
    await insertRows(t, rows);
    const dotted = await page(t, { q: `${tag}.mail`, limit: '10' });
    assert.deepEqual([dotted.total, dotted.totalExact], [2100, true]);
    const underscored = await page(t, { q: `${tag}_x`, limit: '10' });
    assert.deepEqual([underscored.total, underscored.totalExact], [150, true]);
    const both = await page(t, { q: `${tag}.mail ${tag}_x`, limit: '10' });
    assert.deepEqual([both.total, both.totalExact], [150, true]);
  });

  test('a role filter lists its holders, direct and through a group, in order and counted, whether few or many hold it', async () => {
    const t = tt();
    const db = t.app.services.db;
    const tag = tagOf('zr');
    const rows = userRows(tag, 2100, Date.UTC(2024, 3, 1));
    await insertRows(t, rows);
    const newRole = async (name: string) => {
      const r = await t.request('POST', '/api/admin/roles', {
        token: t.adminToken,
        body: { name: unique(name), permissions: ['users:read'] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; name: string };
    };
    const groupGranting = async (role: string, members: typeof rows) => {
      const g = await t.request('POST', '/api/admin/groups', {
        token: t.adminToken,
        body: { name: unique('Holders') },
      });
      const put = await t.request('PUT', `/api/admin/groups/${g.body.id}/roles`, {
        token: t.adminToken,
        body: { roleIds: [role] },
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      await db
        .insertInto('group_members')
        .values(members.map((r) => ({ group_id: g.body.id as string, user_id: r.id })))
        .execute();
      return g.body.id as string;
    };
    const holdersOf = (picked: typeof rows) => newestFirst(picked).map((r) => r.username);

    // Few: six directly, three through a group, one of them both ways; read as those users.
    const few = await newRole('Few');
    const direct = rows.filter((_, i) => i % 400 === 7);
    await db
      .insertInto('user_roles')
      .values(direct.map((r) => ({ user_id: r.id, role_id: few.id })))
      .execute();
    const fewGroup = rows.filter((_, i) => i === 7 || i === 1000 || i === 2099);
    const fewGroupId = await groupGranting(few.id, fewGroup);
    const fewHolders = holdersOf([...new Set([...direct, ...fewGroup])]);
    assert.equal(fewHolders.length, 8);
    const fewCandidates = await fewUserIds(db, t.dialect, { role: few.name.toUpperCase(), roleGroupIds: [fewGroupId] });
    assert.deepEqual(
      fewCandidates.map((ids) => ids.length),
      [8],
      'a role eight hold is read as its holders',
    );
    for (const role of [few.id, few.name.toUpperCase()]) {
      assert.deepEqual(await all(t, { role }), fewHolders, role);
    }
    const fewPage = await page(t, { role: few.id, limit: '3' });
    assert.deepEqual([fewPage.total, fewPage.totalExact], [8, true]);
    assert.deepEqual(await all(t, { role: few.id, q: tag }), fewHolders);
    assert.deepEqual(await all(t, { role: few.id, status: 'disabled' }), []);

    // Many: 2,050 through a group and ten directly (past the 2,000 candidates): tested row by row, same answers.
    const many = await newRole('Many');
    const manyGroup = rows.slice(0, 2050);
    const manyGroupId = await groupGranting(many.id, manyGroup);
    const manyDirect = rows.slice(2040, 2050 + 10);
    await db
      .insertInto('user_roles')
      .values(manyDirect.map((r) => ({ user_id: r.id, role_id: many.id })))
      .execute();
    assert.deepEqual(await fewUserIds(db, t.dialect, { role: many.id, roleGroupIds: [manyGroupId] }), []);
    const manyHolders = holdersOf([...new Set([...manyGroup, ...manyDirect])]);
    assert.equal(manyHolders.length, 2060);
    assert.deepEqual(await all(t, { role: many.id, q: tag }), manyHolders);
    const manyPage = await page(t, { role: many.name, q: tag, limit: '10' });
    assert.deepEqual([manyPage.total, manyPage.totalExact], [2060, true]);

    // Nobody: an empty list, not every user.
    const none = await newRole('Nobody');
    assert.deepEqual(await fewUserIds(db, t.dialect, { role: none.id, roleGroupIds: [] }), [[]]);
    const nonePage = await page(t, { role: none.id });
    assert.deepEqual([nonePage.items, nonePage.total, nonePage.totalExact], [[], 0, true]);
  });

  test("a folder lists its own users and its sub-folders' (not a sibling that shares its prefix), few or many", async () => {
    const t = tt();
    const db = t.app.services.db;
    const tag = tagOf('zf');
    const at = (i: number) => Date.UTC(2024, 8, 1) + i * 1000;
    // Few: 3 in the folder, 5 in a sub-folder, 2 deeper; beside them siblings the folder must not list: a longer
    // name, the name followed by '0' (the byte after '/'), a space, and the same letters in upper case.
    const place = (prefix: string, n: number, path: string, from: number) =>
      userRows(`${tag}${prefix}`, n, at(from)).map((r) => ({ ...r, path }));
    const few = [
      ...place('own', 3, `${tag}`, 0),
      ...place('sub', 5, `${tag}/team`, 10),
      ...place('deep', 2, `${tag}/team/x`, 20),
    ];
    const siblings = [
      ...place('longer', 2, `${tag}x`, 30),
      ...place('zero', 2, `${tag}0`, 40),
      ...place('space', 2, `${tag} b`, 50),
      ...place('upper', 2, `${tag.toUpperCase()}/team`, 60),
    ];
    await insertRows(t, [...few, ...siblings]);
    const fewTree = await fewUserIds(db, t.dialect, { path: tag });
    assert.deepEqual(
      fewTree.map((ids) => ids.length),
      [10],
      'a tree of ten users is read as those',
    );
    const deepest = (await fewUserIds(db, t.dialect, { path: `${tag}/team/x` }))[0];
    assert.ok(Array.isArray(deepest) && deepest.length === 2, `${deepest}`);
    assert.deepEqual(
      await all(t, { path: tag }),
      newestFirst(few).map((r) => r.username),
    );
    assert.deepEqual(
      await all(t, { path: `${tag}/team` }),
      newestFirst(few.slice(3)).map((r) => r.username),
    );
    assert.deepEqual(
      await all(t, { path: `${tag}/team/x` }),
      newestFirst(few.slice(8)).map((r) => r.username),
    );
    const fewPage = await page(t, { path: tag, limit: '4' });
    assert.deepEqual([fewPage.total, fewPage.totalExact], [10, true]);
    assert.deepEqual((await page(t, { path: `${tag}/none` })).items, []);

    // Many (past the 2,000 candidates): 2,050 in a folder and 60 below it, and 2,100 in a folder with nothing below.
    const big = [...place('big', 2050, `${tag}big`, 100), ...place('bigsub', 60, `${tag}big/sub`, 3000)];
    const flat = place('flat', 2100, `${tag}flat`, 6000);
    await insertRows(t, [...big, ...flat]);
    assert.deepEqual(await fewUserIds(db, t.dialect, { path: `${tag}big` }), []);
    assert.deepEqual(await fewUserIds(db, t.dialect, { path: `${tag}flat` }), []);
    assert.deepEqual(
      await all(t, { path: `${tag}big` }),
      newestFirst(big).map((r) => r.username),
    );
    assert.deepEqual(await all(t, { path: `${tag}flat`, sort: 'displayName' }).then((u) => u.length), 2100);
    const bigPage = await page(t, { path: `${tag}big`, limit: '10' });
    assert.deepEqual([bigPage.total, bigPage.totalExact], [2110, true]);
    const flatPage = await page(t, { path: `${tag}flat`, q: tag, limit: '10' });
    assert.deepEqual([flatPage.total, flatPage.totalExact], [2100, true]);
  });

  test('an organization filter and a delegated scope list their members, few or many, by id or slug, counted', async () => {
    const t = tt();
    const db = t.app.services.db;
    const tag = tagOf('zg');
    const rows = userRows(tag, 2100, Date.UTC(2024, 10, 1));
    await insertRows(t, rows);
    const newOrganization = async (members: typeof rows) => {
      const r = await t.request('POST', '/api/admin/organizations', {
        token: t.adminToken,
        body: { name: unique('Org') },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const at = new Date().toISOString();
      for (let i = 0; i < members.length; i += 300)
        await db
          .insertInto('organization_members')
          .values(members.slice(i, i + 300).map((m) => ({ organization_id: r.body.id, user_id: m.id, created_at: at })))
          .execute();
      return r.body as { id: string; slug: string };
    };
    const smallMembers = rows.filter((_, i) => i % 350 === 5);
    const small = await newOrganization(smallMembers);
    const bigMembers = rows.slice(0, 2050);
    const big = await newOrganization(bigMembers);
    const names = (members: typeof rows) => newestFirst(members).map((r) => r.username);

    assert.deepEqual(
      (await fewUserIds(db, t.dialect, { organization: small.slug.toUpperCase() })).map((s) => s.length),
      [6],
    );
    assert.deepEqual(
      (await fewUserIds(db, t.dialect, { organizationScope: [small.id] })).map((s) => s.length),
      [6],
    );
    assert.deepEqual(await fewUserIds(db, t.dialect, { organization: big.id }), []);
    for (const organization of [small.id, small.slug.toUpperCase()])
      assert.deepEqual(await all(t, { organization }), names(smallMembers), organization);
    const smallPage = await page(t, { organization: small.id, limit: '2' });
    assert.deepEqual([smallPage.total, smallPage.totalExact], [6, true]);
    assert.deepEqual(await all(t, { organization: big.slug, q: tag }), names(bigMembers));
    const bigPage = await page(t, { organization: big.id, limit: '10' });
    assert.deepEqual([bigPage.total, bigPage.totalExact], [2050, true]);
    assert.deepEqual(await all(t, { organization: 'no-such-organization' }), []);
  });
});
