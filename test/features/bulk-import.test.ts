/** Bulk import and export (issue 7): dry run with line numbers, idempotent re-run, foreign hashes, round trip. */
import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { batchSize } from '../../src/features/import-export/bulk-import.service.ts';
import { describeBothDialects, startTestApp, type TestApp, testDialects, unique } from '../harness.ts';

const csv = { 'content-type': 'text/csv' };

/** The admin imports a CSV file (a dry run when asked). */
function importCsv(t: TestApp, file: string, dryRun = false) {
  return t.request('POST', '/api/admin/import', {
    token: t.adminToken,
    headers: csv,
    body: file,
    query: dryRun ? { dryRun: 'true' } : {},
  });
}

describeBothDialects('bulk import and export', (tt) => {
  test('a mixed-error CSV: dry run reports lines and reasons and changes nothing; the real run is idempotent', async () => {
    const t = tt();
    const p = unique('imp');
    const file = [
      'username,email,displayName,groups,roles,phone,passwordHash',
      `${p}-alice,${p}-alice@example.test,Alice,${p} Team A;${p} Team B;${p} team a,user,,`,
      `${p}-bob,not-an-email,Bob,,,,`,
      `${p}-carol,,Carol,,NoSuchRole,,`,
      `${p}-dave,,Dave,,,12345,`,
      `${p}-erin,,Erin,${p} Team A,,,not-a-hash`,
      `"${p}-frank",,"Frank ""the tank""\nSecond line",,,+41 44 668 18 00,`,
      `,${p}-nobody@example.test,Nobody,,,,`,
    ].join('\n');
    const dry = await importCsv(t, file, true);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.dryRun, true);
    assert.equal(dry.body.created, 2);
    assert.deepEqual(
      dry.body.refused.map((r: { line: number; reason: string }) => [r.line, r.reason.split(':')[0]]),
      [
        [3, 'email'],
        [4, 'roles'],
        [5, 'phone'],
        [6, 'passwordHash'],
        [9, 'username'],
      ],
    );
    const none = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: p } });
    assert.equal(none.body.items.length, 0);
    const groups = await t.app.services.db.selectFrom('groups').select('name').where('name', 'like', `${p}%`).execute();
    assert.equal(groups.length, 0, 'a dry run creates no group');

    const real = await importCsv(t, file);
    assert.deepEqual([real.body.created, real.body.updated, real.body.unchanged, real.body.refusedTotal], [2, 0, 0, 5]);
    const alice = (await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: `${p}-alice` } })).body
      .items[0];
    assert.deepEqual(alice.groups.map((g: { name: string }) => g.name).sort(), [`${p} Team A`, `${p} Team B`]);
    assert.deepEqual(
      alice.roles.map((r: { name: string }) => r.name),
      ['User'],
    );
    const events = await t.request('GET', '/api/admin/events', { token: t.adminToken, query: { target: alice.id } });
    assert.deepEqual(
      events.body.items.map((e: { action: string }) => e.action),
      ['user.import.create'],
    );

    const again = await importCsv(t, file);
    assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 0, 2]);
    const changed = file.replace(',Alice,', ',Alice Changed,');
    const third = await importCsv(t, changed);
    assert.deepEqual([third.body.created, third.body.updated, third.body.unchanged], [0, 1, 1]);
  });

  test('rows of one batch see each other: a user named twice is merged, a taken address is refused, search finds roles held through parent groups', async () => {
    const t = tt();
    const p = unique('batch');
    const parent = await t.request('POST', '/api/admin/groups', { token: t.adminToken, body: { name: `${p} Parent` } });
    const role = await t.request('POST', '/api/admin/roles', {
      token: t.adminToken,
      body: { name: `${p}Auditor`, permissions: ['users:read'] },
    });
    await t.request('PUT', `/api/admin/groups/${parent.body.id}/roles`, {
      token: t.adminToken,
      body: { roleIds: [role.body.id] },
    });
    const child = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: `${p} Child`, parentId: parent.body.id },
    });
    assert.equal(child.status, 201, JSON.stringify(child.body));
    const file = [
      'username,email,displayName,groups',
      `${p}-ann,${p}-ann@example.test,Ann,${p} Child`,
      `${p}-ben,${p}-ben@example.test,Ben,`,
      `${p}-ben,${p}-ann@example.test,Ben,`,
      `${p}-ann,${p}-ann@example.test,Ann Again,${p} Extra`,
    ].join('\n');
    const r = await importCsv(t, file);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.created, r.body.updated, r.body.refusedTotal], [2, 1, 1]);
    assert.deepEqual(
      r.body.refused.map((x: { line: number; reason: string }) => [x.line, x.reason.split(':')[0]]),
      [[4, 'email']],
    );
    const found = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: `${p}auditor` } });
    assert.deepEqual(
      found.body.items.map((u: { username: string }) => u.username),
      [`${p}-ann`],
      'the role held through the parent group is searchable',
    );
    const ann = found.body.items[0];
    assert.equal(ann.displayName, 'Ann Again');
    assert.deepEqual(ann.groups.map((g: { name: string }) => g.name).sort(), [`${p} Child`, `${p} Extra`]);
    const events = await t.request('GET', '/api/admin/events', { token: t.adminToken, query: { target: ann.id } });
    assert.deepEqual(events.body.items.map((e: { action: string }) => e.action).sort(), [
      'user.import.create',
      'user.import.update',
    ]);
  });

  test('a refused row leaves nothing behind: a new group it names is not created when another of its names is refused', async () => {
    const t = tt();
    const fresh = unique('NewTeam');
    const r = await importCsv(t, `username,groups\n${unique('g')},${fresh};${'x'.repeat(150)}\n`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.refusedTotal, 1, JSON.stringify(r.body));
    const groups = await t.request('GET', '/api/admin/groups', { token: t.adminToken, query: { q: fresh } });
    assert.deepEqual(groups.body.items, []);
  });

  test('rows of a later batch see the users an earlier batch wrote, in a dry run as in the real run', async () => {
    const t = tt();
    const p = unique('span');
    const first = Array.from({ length: batchSize }, (_, i) => `${p}-${i},${p}-${i}@example.test,User ${i}`);
    const file = [
      'username,email,displayName',
      ...first,
      // The next batch: an update of a user the first batch created, and a move to an address it gave another.
      `${p}-0,${p}-0@example.test,Renamed`,
      `${p}-1,${p}-2@example.test,Taken`,
    ].join('\n');
    const counts = (body: { created: number; updated: number; refusedTotal: number }) => [
      body.created,
      body.updated,
      body.refusedTotal,
    ];
    const dry = await importCsv(t, file, true);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(counts(dry.body), [batchSize, 1, 1], 'the dry run counts what the real run does');
    const none = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: p } });
    assert.equal(none.body.total, 0, 'a dry run writes nothing');
    const real = await importCsv(t, file);
    assert.equal(real.status, 200, JSON.stringify(real.body));
    assert.deepEqual(counts(real.body), [batchSize, 1, 1]);
    assert.deepEqual(
      real.body.refused.map((x: { line: number; reason: string }) => [x.line, x.reason.split(':')[0]]),
      [[batchSize + 3, 'email']],
    );
    const renamed = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: `${p}-0@` } });
    assert.deepEqual(
      renamed.body.items.map((u: { displayName: string }) => u.displayName),
      ['Renamed'],
    );
  });

  test('imported bcrypt, Django PBKDF2 and Keycloak PBKDF2 users sign in and are re-hashed with argon2id', async () => {
    const t = tt();
    const p = unique('hash');
    const salt = randomBytes(12).toString('base64');
    const django = `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync('django pass', salt, 1000, 32, 'sha256').toString('base64')}`;
    const kcSalt = randomBytes(16);
    const keycloak = `keycloak-pbkdf2-sha256$1000$${kcSalt.toString('base64')}$${pbkdf2Sync('keycloak pass', kcSalt, 1000, 64, 'sha256').toString('base64')}`;
    const users = [
      { username: `${p}-bc`, passwordHash: bcrypt.hashSync('bcrypt pass', 4) },
      { username: `${p}-bca`, passwordHash: bcrypt.hashSync('bcrypt a pass', 4).replace(/^\$2b\$/, '$2a$') },
      { username: `${p}-dj`, passwordHash: django },
      { username: `${p}-kc`, passwordHash: keycloak },
    ];
    const r = await t.request('POST', '/api/admin/import', { token: t.adminToken, body: { users } });
    assert.equal(r.body.created, 4, JSON.stringify(r.body));
    // The audit event says a credential came with the row (a key named like a password would be redacted).
    const created = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: `${p}-dj` } });
    const events = await t.request('GET', '/api/admin/events', {
      token: t.adminToken,
      query: { target: created.body.items[0].id },
    });
    assert.equal(events.body.items[0].details.credentialReplaced, true, JSON.stringify(events.body.items[0]));
    assert.doesNotMatch(JSON.stringify(events.body.items), /pbkdf2|\$2[ab]\$/, 'no hash in the event');
    const passwords = ['bcrypt pass', 'bcrypt a pass', 'django pass', 'keycloak pass'];
    for (const [i, u] of users.entries()) {
      await assert.rejects(t.signIn(u.username, 'wrong password'));
      await t.signIn(u.username, passwords[i] ?? '');
      const row = await t.app.services.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', u.username)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^\$argon2id\$/, `${u.username} re-hashed`);
      await t.signIn(u.username, passwords[i] ?? '');
    }
  });

  test('export then import into a fresh instance reproduces the directory (JSON and CSV)', async () => {
    const t = tt();
    const p = unique('rt');
    const parent = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: `${p} parent`, description: 'top' },
    });
    const child = await t.request('POST', '/api/admin/groups', {
      token: t.adminToken,
      body: { name: `${p} child`, parentId: parent.body.id },
    });
    await t.createUser({
      username: `${p}-one`,
      email: `${p}-one@example.test`,
      displayName: 'One',
      phone: '+41 44 668 18 00',
      department: 'Ops',
      attributes: { level: 3 },
      groupIds: [child.body.id],
    });
    await t.createUser({ username: `${p}-two`, path: 'users/contractors', type: 'external', roleIds: ['role-user'] });
    const json = await t.request('GET', '/api/admin/export', { token: t.adminToken, query: { format: 'json' } });
    assert.equal(json.status, 200);
    const csvExport = await t.request('GET', '/api/admin/export', { token: t.adminToken, query: { format: 'csv' } });
    assert.match(String(csvExport.headers['content-type']), /text\/csv/);
    assert.doesNotMatch(json.raw.body + csvExport.raw.body, /argon2/, 'no password hash leaves');
    for (const [format, body, headers] of [
      ['json', json.raw.body, { 'content-type': 'application/json' }],
      ['csv', csvExport.raw.body, csv],
    ] as const) {
      const fresh = await startTestApp({ dialect: t.dialect });
      try {
        const imported = await fresh.request('POST', '/api/admin/import', { token: fresh.adminToken, headers, body });
        assert.equal(imported.status, 200, JSON.stringify(imported.body));
        assert.equal(imported.body.refusedTotal, 0, JSON.stringify(imported.body.refused));
        const again = await fresh.request('GET', '/api/admin/export', { token: fresh.adminToken, query: { format } });
        const original = format === 'json' ? json.raw.body : csvExport.raw.body;
        assert.deepEqual(normalize(format, again.raw.body), normalize(format, original), `${format} round trip`);
      } finally {
        await fresh.close();
      }
    }
  });

  test('an export of several pages (2,000 users each) holds every user once, memberships by name', async () => {
    const t = tt();
    const p = unique('pages');
    // "zeta" is created before "alpha" (by the first row), so id order and name order differ.
    const rows = Array.from({ length: 4500 }, (_, i) => {
      const groups = i % 3 === 0 ? `${p} zeta;${p} alpha` : i % 3 === 1 ? `${p} alpha` : '';
      return `${p}-${i},${groups}`;
    });
    const imported = await importCsv(t, ['username,groups', ...rows].join('\n'));
    assert.equal(imported.body.created, 4500, JSON.stringify(imported.body.refused));
    const exported = await t.request('GET', '/api/admin/export', { token: t.adminToken, query: { format: 'csv' } });
    const ours = exported.raw.body.split('\n').filter((line: string) => line.startsWith(`${p}-`));
    assert.equal(ours.length, 4500);
    assert.equal(new Set(ours.map((line: string) => line.split(',')[0])).size, 4500, 'no user twice');
    for (const line of ours) {
      const i = Number((line.split(',')[0] ?? '').slice(p.length + 1));
      const groups = line.split(',')[11];
      assert.equal(groups, i % 3 === 0 ? `${p} alpha;${p} zeta` : i % 3 === 1 ? `${p} alpha` : '', line);
    }
  });

  test('a JSON export writes each user as JSON.stringify would, whatever its text holds (built by the database)', async () => {
    const t = tt();
    const p = unique('esc');
    const hostile = `"quoted" back\\slash / tab\t nl\n cr\r \b\f \u0001\u001f\u007f </script> \u2028\u2029 é 日本 😀`;
    const attributes = { nested: { list: [1, 2.5, 'x"y', null, true] }, ключ: 'значение', empty: {} };
    const id = await t.createUser({ username: `${p}-one` });
    // Straight into the row: text the API would refuse (control characters) must still leave as valid JSON.
    await t.app.services.db
      .updateTable('users')
      .set({
        display_name: hostile,
        department: `${hostile} dept`,
        description: hostile,
        comments: null,
        attributes: JSON.stringify(attributes),
      })
      .where('id', '=', id)
      .execute();
    const exported = await t.request('GET', '/api/admin/export', { token: t.adminToken, query: { format: 'json' } });
    assert.equal(exported.status, 200);
    const line = exported.raw.body.split('\n').find((l: string) => l.includes(`"${p}-one"`));
    const expected = {
      username: `${p}-one`,
      displayName: hostile,
      email: null,
      phone: null,
      department: `${hostile} dept`,
      description: hostile,
      comments: null,
      attributes,
      path: 'users',
      type: 'internal',
      status: 'active',
      groups: [],
      roles: [],
      organizations: [],
    };
    assert.equal(line?.replace(/,$/, ''), JSON.stringify(expected), t.dialect);
    assert.deepEqual(
      (JSON.parse(exported.raw.body) as { users: { username: string }[] }).users.find((u) => u.username === `${p}-one`),
      expected,
    );
  });

  test('a CSV export quotes each cell as csv-stringify would, whatever its text holds (rows read as arrays)', async () => {
    const t = tt();
    const p = unique('csvesc');
    const hostile = `"quoted", comma; semi\ttab nl\n cr\r crlf\r\n \u0001\u007f é 日本 😀 "`;
    const attributes = JSON.stringify({ a: 'x,"y"', b: [1, null] });
    const one = await t.createUser({ username: `${p}-one` });
    const two = await t.createUser({ username: `${p}-two` });
    // Straight into the row: text the API would refuse (control characters) must still leave as one CSV record.
    await t.app.services.db
      .updateTable('users')
      .set({ display_name: hostile, department: `${hostile},`, description: 'plain', comments: null, attributes })
      .where('id', '=', one)
      .execute();
    const exported = await t.request('GET', '/api/admin/export', { token: t.adminToken, query: { format: 'csv' } });
    assert.equal(exported.status, 200);
    for (const [id, cells] of [
      [one, [`${p}-one`, hostile, '', '', `${hostile},`, 'plain', '', attributes, 'users', 'internal', 'active']],
      // Nulls, and the empty attributes object, are empty cells.
      [two, [`${p}-two`, '', '', '', '', '', '', '', 'users', 'internal', 'active']],
    ] as const) {
      const user = await t.request('GET', `/api/admin/users/${id}`, { token: t.adminToken });
      const roles = (user.body.roles as { name: string }[]).map((r) => r.name).join(';');
      const record = stringify([[...cells, '', roles, '']]);
      assert.ok(exported.raw.body.includes(record), `${t.dialect}: ${JSON.stringify(record)} in the export`);
    }
    const parsed = parse(exported.raw.body, { columns: true }) as Record<string, string>[];
    assert.equal(parsed.find((r) => r.username === `${p}-one`)?.displayName, hostile, 'it parses back whole');
  });

  test('import needs directory-wide write access; a malformed body is a 400', async () => {
    const t = tt();
    const username = unique('weak');
    await t.createUser({ username, password: 'weak user password' });
    const token = await t.signIn(username, 'weak user password');
    assert.equal(
      (await t.request('POST', '/api/admin/import', { token, headers: csv, body: 'username\nx1234' })).status,
      403,
    );
    assert.equal((await t.request('GET', '/api/admin/export', { token })).status, 403);
    const bad = await t.request('POST', '/api/admin/import', {
      token: t.adminToken,
      headers: csv,
      body: 'username,"broken\nrow',
    });
    assert.equal(bad.status, 400);
    assert.equal(
      (await t.request('POST', '/api/admin/import', { token: t.adminToken, body: { users: 'nope' } })).status,
      400,
    );
  });
});

/** Users sorted by name; the bootstrap admin is in both instances. Group order follows creation. */
function normalize(format: 'json' | 'csv', body: string): unknown {
  if (format === 'json') {
    const doc = JSON.parse(body) as { groups: unknown[]; users: { username: string; groups: string[] }[] };
    const users = doc.users
      .map((u) => ({ ...u, groups: [...u.groups].sort() }))
      .sort((a, b) => a.username.localeCompare(b.username));
    return { groups: doc.groups, users };
  }
  return body.trim().split('\n').sort();
}

// PostgreSQL only: SQLite's planner needs no statistics for these queries (bulk-import.service.ts).
if (testDialects().includes('postgres')) {
  test('a large import vacuums and analyzes on PostgreSQL when it ends (a bulk-loaded table is not planned as empty)', async () => {
    const t = await startTestApp({ dialect: 'postgres' });
    try {
      const lastAnalyze = async () => {
        const { rows } = await sql<{ at: Date | null; vacuumed: Date | null }>`SELECT last_analyze AS at,
        last_vacuum AS vacuumed FROM pg_stat_user_tables WHERE relname = 'group_members'`.execute(t.app.services.db);
        // Both explicit runs, not autovacuum's (last_autovacuum, last_autoanalyze): the older of the two.
        return Math.min(rows[0]?.at?.getTime() ?? 0, rows[0]?.vacuumed?.getTime() ?? 0);
      };
      const before = await lastAnalyze();
      const p = unique('bulk');
      const rows = Array.from({ length: 1000 }, (_, i) => `${p}-${i},${p}-${i}@example.test`);
      const r = await t.request('POST', '/api/admin/import', {
        token: t.adminToken,
        headers: csv,
        body: ['username,email', ...rows].join('\n'),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.created, 1000);
      // Statistics are reported with a short delay.
      let after = await lastAnalyze();
      for (let i = 0; i < 50 && after <= before; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await lastAnalyze();
      }
      assert.ok(after > before, 'memberships vacuumed and analyzed after the import');
    } finally {
      await t.close();
    }
  });
}
