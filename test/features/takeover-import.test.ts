/**
 * The import is a write path like any other (issue 23): an importer holding the directory's write permissions,
 * but not Admin, once granted itself Admin with `username,roles\nivan,Admin` and rewrote the administrator's email
 * to take it over by a recovery mail. Every escalation a row can carry (roles, groups that pass roles on,
 * organizations, email, passwordHash, status; new and existing users; CSV and JSON) is tried by each actor of the
 * authorization matrix that may import at all: each row is refused naming its rule, and nothing changes.
 * authentik CVE-2024-37905, Keycloak CVE-2024-3656 (security.md: escalation by reassigning a token or role).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminCredentials, describeBothDialects, type Reply, type TestApp, unique } from '../harness.ts';
import { importerPermissions } from '../support/access-fixtures.ts';

const password = 'takeover import password';

type Actor = { name: string; token: string; self: string | null };
type Fixture = { actors: Actor[]; adminGroup: string; organization: string; importerRole: string };

async function ok(t: TestApp, method: string, url: string, body?: unknown): Promise<Reply> {
  const r = await t.request(method, url, { token: t.adminToken, ...(body !== undefined ? { body } : {}) });
  assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** The importing actors: a user holding the write permissions through a role, and a system key holding them. */
async function setup(t: TestApp): Promise<Fixture> {
  const role = await ok(t, 'POST', '/api/admin/roles', { name: unique('Importer'), permissions: importerPermissions });
  const ivanName = unique('ivan');
  await t.createUser({ username: ivanName, password, roleIds: [role.body.id] });
  const key = await ok(t, 'POST', '/api/admin/api-keys', {
    name: unique('importer'),
    permissions: importerPermissions,
  });
  const adminGroup = await ok(t, 'POST', '/api/admin/groups', { name: unique('Admins') });
  await ok(t, 'PUT', `/api/admin/groups/${adminGroup.body.id}/roles`, { roleIds: ['role-admin'] });
  const organization = await ok(t, 'POST', '/api/admin/organizations', { name: unique('Org') });
  return {
    actors: [
      { name: 'importer role', token: await t.signIn(ivanName, password), self: ivanName },
      { name: 'system key', token: key.body.secret, self: null },
    ],
    adminGroup: adminGroup.body.name,
    organization: organization.body.name,
    importerRole: role.body.name,
  };
}

/** One row as CSV (a header and a line) and as JSON (one object); list cells are `;`-joined in CSV. */
function bodies(row: Record<string, string>): { csv: string; json: Record<string, unknown>[] } {
  const header = Object.keys(row).join(',');
  return { csv: `${header}\n${Object.values(row).join(',')}\n`, json: [row] };
}

async function importRow(t: TestApp, token: string, format: 'csv' | 'json', row: Record<string, string>) {
  const { csv, json } = bodies(row);
  return format === 'csv'
    ? t.request('POST', '/api/admin/import', { token, headers: { 'content-type': 'text/csv' }, body: csv })
    : t.request('POST', '/api/admin/import', { token, body: json });
}

/** The attempts: each names what it must leave unchanged. */
function attempts(f: Fixture, victim: string, self: string | null) {
  const admin = adminCredentials.username;
  const target = self ?? victim;
  return [
    { what: 'grant the Admin role to an existing user', row: { username: target, roles: 'Admin' }, watch: target },
    { what: 'join a group that grants Admin', row: { username: target, groups: f.adminGroup }, watch: target },
    { what: "rewrite the administrator's email", row: { username: admin, email: `${unique('x')}@evil.example` } },
    {
      what: "replace the administrator's password hash",
      row: { username: admin, passwordHash: '$2b$10$C6UzMDM.H6dfI/f/IKcEeO5yBz0x2iB1l8F1P3K7y1h8r8YJY3nK2' },
    },
    { what: 'disable the administrator', row: { username: admin, status: 'disabled' } },
    { what: 'put the administrator into an organization', row: { username: admin, organizations: f.organization } },
    { what: 'change the administrator harmlessly', row: { username: admin, department: 'Sales' } },
    { what: 'create a user holding Admin', row: { username: unique('new'), roles: 'Admin' }, absent: true },
    {
      what: 'create a user in a group granting Admin',
      row: { username: unique('new'), groups: f.adminGroup },
      absent: true,
    },
  ] as { what: string; row: Record<string, string>; watch?: string; absent?: boolean }[];
}

async function snapshot(t: TestApp, username: string): Promise<unknown> {
  const found = await t.request('GET', '/api/admin/users', {
    token: t.adminToken,
    query: { q: username, limit: '50' },
  });
  const user = found.body.items.find((u: { username: string }) => u.username === username);
  if (!user) return null;
  const [detail, access] = await Promise.all([
    t.request('GET', `/api/admin/users/${user.id}`, { token: t.adminToken }),
    t.request('GET', `/api/admin/users/${user.id}/permissions`, { token: t.adminToken }),
  ]);
  return { detail: detail.body, access: access.body };
}

describeBothDialects('no takeover through the import', (tt) => {
  test('every escalating row is refused naming its rule, and nothing changes (issue 23, CVE-2024-37905)', async () => {
    const t = tt();
    const f = await setup(t);
    const failures: string[] = [];
    for (const actor of f.actors) {
      for (const format of ['csv', 'json'] as const) {
        const victim = unique('victim');
        await t.createUser({ username: victim, password });
        for (const attempt of attempts(f, victim, actor.self)) {
          const watched = attempt.watch ?? attempt.row.username!;
          const before = await snapshot(t, watched);
          const r = await importRow(t, actor.token, format, attempt.row);
          const label = `${actor.name} ${format}: ${attempt.what}`;
          if (r.status !== 200) failures.push(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
          else if (r.body.refusedTotal !== 1 || r.body.created + r.body.updated !== 0)
            failures.push(`${label}: not refused ${JSON.stringify(r.body)}`);
          else if (!/^(ESCALATION_DENIED|OUTRANKED|FORBIDDEN|LAST_ADMIN|CONFLICT)\b/.test(r.body.refused[0].reason))
            failures.push(`${label}: refused without naming the rule: ${r.body.refused[0].reason}`);
          const after = await snapshot(t, watched);
          if (attempt.absent) {
            if (after !== null) failures.push(`${label}: the user was created`);
          } else assert.deepEqual(after, before, `${label}: changed`);
        }
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    const login = await t.request('POST', '/api/auth/login', { body: adminCredentials });
    assert.equal(login.status, 200, 'the administrator still signs in with its own password');
  });

  test('the same importer still imports what it may grant, onto users it outranks', async () => {
    const t = tt();
    const f = await setup(t);
    for (const actor of f.actors) {
      for (const format of ['csv', 'json'] as const) {
        const victim = unique('plain');
        await t.createUser({ username: victim, password });
        const update = await importRow(t, actor.token, format, {
          username: victim,
          email: `${unique('e')}@example.org`,
          roles: f.importerRole,
          status: 'disabled',
        });
        assert.equal(update.body.updated, 1, `${actor.name} ${format}: ${JSON.stringify(update.body)}`);
        const created = await importRow(t, actor.token, format, { username: unique('n'), roles: f.importerRole });
        assert.equal(created.body.created, 1, `${actor.name} ${format}: ${JSON.stringify(created.body)}`);
      }
    }
  });

  test('the other actors of the matrix cannot import at all', async () => {
    const t = tt();
    const helpdeskRole = await ok(t, 'POST', '/api/admin/roles', {
      name: unique('Helpdesk'),
      permissions: ['users:read', 'users:write'],
    });
    const helpName = unique('help');
    await t.createUser({ username: helpName, password, roleIds: [helpdeskRole.body.id] });
    const plainName = unique('plain');
    await t.createUser({ username: plainName, password });
    const orgRole = await ok(t, 'POST', '/api/admin/roles', {
      name: unique('OrgAdmin'),
      permissions: importerPermissions,
    });
    const org = await ok(t, 'POST', '/api/admin/organizations', { name: unique('O') });
    const bossName = unique('boss');
    const boss = await t.createUser({ username: bossName, password });
    await ok(t, 'POST', `/api/admin/organizations/${org.body.id}/members`, {
      userId: boss,
      roleIds: [orgRole.body.id],
    });
    const tokens = {
      anonymous: undefined,
      'plain user': await t.signIn(plainName, password),
      helpdesk: await t.signIn(helpName, password),
      'organization admin': await t.signIn(bossName, password),
    };
    for (const [name, token] of Object.entries(tokens)) {
      for (const format of ['csv', 'json'] as const) {
        const { csv, json } = bodies({ username: bossName, roles: 'Admin' });
        const r =
          format === 'csv'
            ? await t.request('POST', '/api/admin/import', {
                token,
                headers: { 'content-type': 'text/csv' },
                body: csv,
              })
            : await t.request('POST', '/api/admin/import', { token, body: json });
        assert.ok(r.status === 401 || r.status === 403, `${name} ${format}: ${r.status}`);
      }
    }
    const permissionsOfBoss = await t.request('GET', `/api/admin/users/${boss}/permissions`, { token: t.adminToken });
    assert.ok(!JSON.stringify(permissionsOfBoss.body).includes('"Admin"'));
  });
});
