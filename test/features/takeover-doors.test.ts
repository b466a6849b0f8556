/**
 * The takeover test covers every write path (issue 23): besides the import and the /api/admin/users/:id routes
 * (takeover-import.test.ts, takeover.test.ts), the doors that write users and what they hold are SCIM 2.0
 * (/scim/v2/Users and /scim/v2/Groups), invitations (issuing and accepting) and copy access. Each actor of the
 * authorization matrix that can reach a door (a helpdesk holding users:read+users:write through a nested group, an
 * organization admin, a user holding an Importer role with the directory's read+write permissions but not Admin,
 * a system key holding the same, and for SCIM a system key holding the SCIM permissions) tries every escalation
 * the door can carry. Each attempt is refused naming its rule, and nothing changes: the watched users (GET
 * /api/admin/users/:id and its /permissions, as the bootstrap admin), the groups and the invitations are the same
 * before and after, and the bootstrap admin still signs in with its password. A positive control per door shows
 * the same actor does the harmless version on a weak user, so the test can fail.
 * security.md: escalation by reassigning a token or role (authentik CVE-2024-37905, Keycloak CVE-2024-3656);
 * invitation grants more than it was issued with (authentik CVE-2022-23555).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { scimJson, scimPermissions } from '../fixtures/scim/helpers.ts';
import { adminCredentials, describeBothDialects, type Reply, type TestApp, unique } from '../harness.ts';
import { importerPermissions } from '../support/access-fixtures.ts';

const password = 'takeover doors password';
const attackerPassword = 'a password chosen by the attacker';
const userUrn = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupUrn = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const patchUrn = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const errorUrn = 'urn:ietf:params:scim:api:messages:2.0:Error';
const orgAdminPermissions = ['users:read', 'users:write', 'organizations:read', 'organizations:write'];

/** One actor of the matrix: what it holds (globally, or only in `org` for the organization admin). */
type Actor = { name: string; token: string; self: string | null; holds: ReadonlySet<string>; org: string | null };

type Fixture = {
  actors: Actor[];
  /** A group granting Admin, a sub-group of it (Admin through the parent), and a group granting nothing. */
  adminGroup: string;
  adminChild: string;
  harmless: string;
  /** An administrator holding Admin through the nested group, with an email. */
  groupAdmin: string;
  groupAdminEmail: string;
  /** An administrator (direct role) who is a member of the organization admin's organization. */
  orgMemberAdmin: string;
  org: string;
  otherOrg: string;
  orgRole: string;
  /** A role carrying permissions none of the actors holds; one carrying users:read only. */
  strongRole: string;
  weakRole: string;
  /** A member of the organization holding there a role with permissions beyond the organization admin's. */
  orgStrong: string;
};

type Watch = () => Promise<unknown>;

type Attempt = {
  what: string;
  /** The outcomes that count as the right refusal for this actor; null: the attempt does not apply to it. */
  expect: (a: Actor) => string[] | null;
  send: (a: Actor) => Promise<Reply>;
  watch: (a: Actor) => Watch[];
};

async function ok(t: TestApp, method: string, url: string, body?: unknown): Promise<Reply> {
  const r = await t.request(method, url, {
    token: t.adminToken,
    ...(body !== undefined ? { body } : {}),
    ...(url.startsWith('/scim/') ? { headers: scimJson } : {}),
  });
  assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

async function setup(t: TestApp, extra: string[] = [], scimKey = false): Promise<Fixture> {
  const role = async (permissions: string[]) =>
    (await ok(t, 'POST', '/api/admin/roles', { name: unique('Role'), permissions })).body.id as string;
  const group = async (parentId?: string, roleIds?: string[]) => {
    const g = await ok(t, 'POST', '/api/admin/groups', { name: unique('Group'), ...(parentId ? { parentId } : {}) });
    if (roleIds) await ok(t, 'PUT', `/api/admin/groups/${g.body.id}/roles`, { roleIds });
    return g.body.id as string;
  };
  const key = async (permissions: string[]) =>
    (await ok(t, 'POST', '/api/admin/api-keys', { name: unique('key'), permissions })).body.secret as string;
  const signedIn = async (fields: Record<string, unknown>) => {
    const username = unique('actor');
    const id = await t.createUser({ username, password, ...fields });
    return { id, token: await t.signIn(username, password) };
  };

  const helpdesk = [...new Set(['users:read', 'users:write', ...extra])];
  const support = await group(undefined, [await role(helpdesk)]);
  const tier1 = await group(support);
  const help = await signedIn({ groupIds: [tier1] });

  const orgPerms = [...new Set([...orgAdminPermissions, ...extra])];
  const orgRole = await role(orgPerms);
  const org = (await ok(t, 'POST', '/api/admin/organizations', { name: unique('Org') })).body.id as string;
  const otherOrg = (await ok(t, 'POST', '/api/admin/organizations', { name: unique('Org') })).body.id as string;
  const boss = await signedIn({});
  await ok(t, 'POST', `/api/admin/organizations/${org}/members`, { userId: boss.id, roleIds: [orgRole] });

  const importer = [...new Set([...importerPermissions, ...extra])];
  const ivan = await signedIn({ roleIds: [await role(importer)] });

  const adminGroup = await group(undefined, ['role-admin']);
  const adminChild = await group(adminGroup);
  const harmless = await group();
  const groupAdminEmail = `${unique('admin')}@corp.example`;
  const groupAdmin = await t.createUser({
    username: unique('gadmin'),
    password,
    email: groupAdminEmail,
    groupIds: [adminChild],
  });
  const orgMemberAdmin = await t.createUser({ username: unique('oadmin'), password, roleIds: ['role-admin'] });
  await ok(t, 'POST', `/api/admin/organizations/${org}/members`, { userId: orgMemberAdmin, roleIds: [] });
  const strongOrgRole = await role(['users:read', 'users:write', 'sessions:revoke', 'invitations:manage']);
  const orgStrong = await t.createUser({ username: unique('ostrong'), password });
  await ok(t, 'POST', `/api/admin/organizations/${org}/members`, { userId: orgStrong, roleIds: [strongOrgRole] });

  const actors: Actor[] = [
    { name: 'helpdesk via nested group', token: help.token, self: help.id, holds: new Set(helpdesk), org: null },
    { name: 'organization admin', token: boss.token, self: boss.id, holds: new Set(orgPerms), org },
    { name: 'importer role', token: ivan.token, self: ivan.id, holds: new Set(importer), org: null },
    { name: 'system key (importer)', token: await key(importer), self: null, holds: new Set(importer), org: null },
  ];
  if (scimKey) {
    const token = await key(scimPermissions);
    actors.push({ name: 'system key (SCIM)', token, self: null, holds: new Set(scimPermissions), org: null });
  }
  return {
    actors,
    adminGroup,
    adminChild,
    harmless,
    groupAdmin,
    groupAdminEmail,
    orgMemberAdmin,
    org,
    otherOrg,
    orgRole,
    strongRole: await role(['settings:write', 'api-keys:manage', 'sessions:revoke']),
    weakRole: await role(['users:read']),
    orgStrong,
  };
}

/** A fresh plain user the actor reaches (inside its organization for the organization admin). */
async function plainUserFor(t: TestApp, a: Actor, fields: Record<string, unknown> = {}): Promise<string> {
  return t.createUser({ username: unique('plain'), password, ...(a.org ? { organizationId: a.org } : {}), ...fields });
}

/** The user as the bootstrap admin sees it, with every path that grants it a permission. */
function user(t: TestApp, id: string): Watch {
  return async () => {
    const [detail, access] = await Promise.all([
      t.request('GET', `/api/admin/users/${id}`, { token: t.adminToken }),
      t.request('GET', `/api/admin/users/${id}/permissions`, { token: t.adminToken }),
    ]);
    return { detail: [detail.status, detail.body], access: [access.status, access.body] };
  };
}

function group(t: TestApp, id: string): Watch {
  return async () => {
    const [detail, members] = await Promise.all([
      t.request('GET', `/api/admin/groups/${id}`, { token: t.adminToken }),
      t.request('GET', `/scim/v2/Groups/${id}`, { token: t.adminToken, headers: scimJson }),
    ]);
    return { detail: [detail.status, detail.body], members: [members.status, members.body?.members] };
  };
}

function groupNamed(t: TestApp, name: string): Watch {
  return async () => {
    const r = await t.request('GET', '/scim/v2/Groups', {
      token: t.adminToken,
      headers: scimJson,
      query: { filter: `displayName eq "${name}"` },
    });
    return [r.status, r.body.totalResults];
  };
}

/** Who holds an address (nobody, after a refused attempt) and what mail went to it. */
function address(t: TestApp, email: string): Watch {
  return async () => {
    const users = await t.request('GET', '/api/admin/users', { token: t.adminToken, query: { q: email } });
    const mail = await t.app.services.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', email)
      .execute();
    return { users: users.body.items.map((u: { id: string }) => u.id), mail: mail.length };
  };
}

function invitations(t: TestApp): Watch {
  return async () => (await t.request('GET', '/api/admin/invitations', { token: t.adminToken })).body.total;
}

/**
 * The refusal's rule: the problem+json code, or for SCIM (whose error form carries no code) the rule its detail
 * names; a 2xx is `accepted`.
 */
function outcome(r: Reply): string {
  if (r.status < 400) return `accepted ${r.status}`;
  const schemas = r.body?.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(errorUrn)) return String(r.body?.code ?? r.status);
  if (r.body.status !== String(r.status)) return `SCIM error with status ${r.body.status} on a ${r.status}`;
  const detail = String(r.body.detail ?? '');
  const rules: [number, RegExp, string][] = [
    [403, /^(Missing permission|This route needs a user)/, 'FORBIDDEN'],
    [403, /^SCIM (needs|Groups need) .* over the whole directory/, 'SCIM_SCOPE'],
    [403, /^This user holds permissions you do not hold/, 'OUTRANKED'],
    [403, /^You cannot grant /, 'ESCALATION_DENIED'],
    [409, /no active administrator/, 'LAST_ADMIN'],
    [404, /^User not found$/, 'USER_NOT_FOUND'],
  ];
  const rule = rules.find(([status, pattern]) => r.status === status && pattern.test(detail));
  return rule ? rule[2] : `SCIM ${r.status} ${r.body.scimType ?? ''}`.trim();
}

/** The route gate first (a permission held nowhere is 403 FORBIDDEN), then SCIM's whole-directory rule. */
function gated(gate: string, own: string[], scim = false) {
  return (a: Actor): string[] => {
    if (!a.holds.has(gate)) return ['FORBIDDEN'];
    if (scim && a.org) return ['SCIM_SCOPE'];
    return own;
  };
}

async function tryAll(actors: Actor[], attempts: Attempt[]): Promise<{ failures: string[]; tried: number }> {
  const failures: string[] = [];
  let tried = 0;
  for (const actor of actors) {
    for (const attempt of attempts) {
      const expected = attempt.expect(actor);
      if (!expected) continue;
      tried += 1;
      const watched = attempt.watch(actor);
      const before = await Promise.all(watched.map((w) => w()));
      const r = await attempt.send(actor);
      const got = outcome(r);
      const label = `${actor.name}: ${attempt.what}`;
      if (!expected.includes(got)) {
        failures.push(`${label}: ${got} (${r.status} ${JSON.stringify(r.body)}), expected ${expected.join(' or ')}`);
      }
      const after = await Promise.all(watched.map((w) => w()));
      after.forEach((state, i) => {
        if (!isDeepStrictEqual(state, before[i]))
          failures.push(`${label}: changed ${JSON.stringify(before[i])} → ${JSON.stringify(state)}`);
      });
    }
  }
  return { failures, tried };
}

async function adminStillSignsIn(t: TestApp): Promise<void> {
  const login = await t.request('POST', '/api/auth/login', { body: adminCredentials });
  assert.equal(login.status, 200, 'the bootstrap administrator still signs in with its own password');
}

function scim(t: TestApp, a: Actor, method: string, url: string, body?: unknown): Promise<Reply> {
  return t.request(method, `/scim/v2${url}`, {
    token: a.token,
    headers: scimJson,
    ...(body !== undefined ? { body } : {}),
  });
}

/** The SCIM resource as it is now, for a PUT that changes one attribute of it. */
async function scimResource(t: TestApp, url: string): Promise<Record<string, unknown>> {
  const r = await ok(t, 'GET', `/scim/v2${url}`);
  const { meta: _meta, ...resource } = r.body;
  return resource;
}

const patch = (...Operations: unknown[]) => ({ schemas: [patchUrn], Operations });

function scimAttempts(t: TestApp, f: Fixture): Attempt[] {
  const admins = [
    { who: 'the bootstrap administrator', id: t.adminId },
    { who: 'an administrator through a nested group', id: f.groupAdmin },
  ];
  const users = (own: string[], gate = 'users:write') => gated(gate, own, true);
  const groups = (own: string[]) => gated('groups:write', own, true);
  /** The actor itself where it is a user, else a fresh plain user: who would gain from the grant. */
  const beneficiary = async (a: Actor) => a.self ?? (await plainUserFor(t, a));
  const attempts: Attempt[] = [];
  for (const { who, id } of admins) {
    const watch = () => [user(t, id)];
    const put = (change: Record<string, unknown>) => async (a: Actor) =>
      scim(t, a, 'PUT', `/Users/${id}`, { ...(await scimResource(t, `/Users/${id}`)), ...change });
    const evil = () => `${unique('evil')}@attacker.example`;
    attempts.push(
      {
        what: `SCIM PUT rewrites the email of ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) => put({ emails: [{ value: evil(), type: 'work', primary: true }] })(a),
        watch,
      },
      {
        what: `SCIM PUT renames (userName) ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) => put({ userName: unique('renamed') })(a),
        watch,
      },
      {
        what: `SCIM PUT sets the password of ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) => put({ password: attackerPassword })(a),
        watch,
      },
      {
        what: `SCIM PUT deactivates ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) => put({ active: false })(a),
        watch,
      },
      {
        what: `SCIM PUT restates ${who} unchanged`,
        expect: users(['OUTRANKED']),
        send: (a) => put({})(a),
        watch,
      },
      {
        what: `SCIM PATCH replaces the emails of ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) =>
          scim(
            t,
            a,
            'PATCH',
            `/Users/${id}`,
            patch({ op: 'replace', path: 'emails', value: [{ value: evil(), type: 'work', primary: true }] }),
          ),
        watch,
      },
      {
        what: `SCIM PATCH sets emails[type eq "work"].value of ${who} (Okta, Entra ID)`,
        expect: users(['OUTRANKED']),
        send: (a) =>
          scim(
            t,
            a,
            'PATCH',
            `/Users/${id}`,
            patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: evil() }),
          ),
        watch,
      },
      {
        what: `SCIM PATCH replaces the userName of ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) =>
          scim(t, a, 'PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'userName', value: unique('renamed') })),
        watch,
      },
      {
        what: `SCIM PATCH adds a password to ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) =>
          scim(t, a, 'PATCH', `/Users/${id}`, patch({ op: 'add', path: 'password', value: attackerPassword })),
        watch,
      },
      {
        what: `SCIM PATCH replaces active with false on ${who}`,
        expect: users(['OUTRANKED']),
        send: (a) => scim(t, a, 'PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: false })),
        watch,
      },
      {
        what: `SCIM PATCH without a path sets active "False" on ${who} (Entra ID)`,
        expect: users(['OUTRANKED']),
        send: (a) => scim(t, a, 'PATCH', `/Users/${id}`, patch({ op: 'Replace', value: { active: 'False' } })),
        watch,
      },
      {
        what: `SCIM DELETE ${who}`,
        expect: users(['OUTRANKED'], 'users:delete'),
        send: (a) => scim(t, a, 'DELETE', `/Users/${id}`),
        watch,
      },
    );
  }
  attempts.push(
    {
      what: 'SCIM PATCH adds a group granting Admin to a user resource (groups is read-only)',
      expect: users(['SCIM 400 mutability']),
      send: async (a) =>
        scim(
          t,
          a,
          'PATCH',
          `/Users/${await beneficiary(a)}`,
          patch({ op: 'add', path: 'groups', value: [{ value: f.adminGroup }] }),
        ),
      watch: (a) => (a.self ? [user(t, a.self), group(t, f.adminGroup)] : [group(t, f.adminGroup)]),
    },
    {
      what: "SCIM POST creates a user with the administrator's userName",
      expect: users(['SCIM 409 uniqueness']),
      send: (a) => scim(t, a, 'POST', '/Users', { schemas: [userUrn], userName: adminCredentials.username }),
      watch: () => [user(t, t.adminId)],
    },
    {
      what: "SCIM POST creates a user with an administrator's email",
      expect: users(['SCIM 409 uniqueness']),
      send: (a) =>
        scim(t, a, 'POST', '/Users', {
          schemas: [userUrn],
          userName: unique('dup'),
          emails: [{ value: f.groupAdminEmail, primary: true }],
        }),
      watch: () => [user(t, f.groupAdmin), address(t, f.groupAdminEmail)],
    },
  );
  for (const [which, gid] of [
    ['the group granting Admin', f.adminGroup],
    ['a sub-group of the group granting Admin', f.adminChild],
  ] as const) {
    attempts.push(
      {
        what: `SCIM PATCH adds a member to ${which}`,
        expect: groups(['ESCALATION_DENIED']),
        send: async (a) =>
          scim(
            t,
            a,
            'PATCH',
            `/Groups/${gid}`,
            patch({ op: 'add', path: 'members', value: [{ value: await beneficiary(a) }] }),
          ),
        watch: (a) => [group(t, gid), ...(a.self ? [user(t, a.self)] : [])],
      },
      {
        what: `SCIM PATCH without a path replaces the members of ${which}, adding one (Okta)`,
        expect: groups(['ESCALATION_DENIED']),
        send: async (a) => {
          const current = (await scimResource(t, `/Groups/${gid}`)).members as { value: string }[];
          const members = [...current.map((m) => ({ value: m.value })), { value: await beneficiary(a) }];
          return scim(t, a, 'PATCH', `/Groups/${gid}`, patch({ op: 'replace', value: { members } }));
        },
        watch: (a) => [group(t, gid), ...(a.self ? [user(t, a.self)] : [])],
      },
      {
        what: `SCIM PUT lists one more member in ${which}`,
        expect: groups(['ESCALATION_DENIED']),
        send: async (a) => {
          const current = await scimResource(t, `/Groups/${gid}`);
          const members = [...(current.members as { value: string }[]), { value: await beneficiary(a) }];
          return scim(t, a, 'PUT', `/Groups/${gid}`, { ...current, members });
        },
        watch: (a) => [group(t, gid), user(t, f.groupAdmin), ...(a.self ? [user(t, a.self)] : [])],
      },
      {
        // A refused PUT changes nothing: not the members, and not the name it also carried.
        what: `SCIM PUT lists one more member in ${which}, and renames it`,
        expect: groups(['ESCALATION_DENIED']),
        send: async (a) => {
          const current = await scimResource(t, `/Groups/${gid}`);
          const members = [...(current.members as { value: string }[]), { value: await beneficiary(a) }];
          return scim(t, a, 'PUT', `/Groups/${gid}`, { ...current, displayName: unique('Renamed'), members });
        },
        watch: (a) => [group(t, gid), user(t, f.groupAdmin), ...(a.self ? [user(t, a.self)] : [])],
      },
      {
        what: `SCIM DELETE ${which} (its members lose Admin)`,
        expect: groups(['ESCALATION_DENIED']),
        send: (a) => scim(t, a, 'DELETE', `/Groups/${gid}`),
        watch: () => [group(t, gid), user(t, f.groupAdmin)],
      },
    );
  }
  attempts.push(
    {
      what: 'SCIM PATCH removes an administrator from the sub-group that makes it one',
      expect: groups(['OUTRANKED', 'ESCALATION_DENIED']),
      send: (a) =>
        scim(
          t,
          a,
          'PATCH',
          `/Groups/${f.adminChild}`,
          patch({ op: 'remove', path: `members[value eq "${f.groupAdmin}"]` }),
        ),
      watch: () => [group(t, f.adminChild), user(t, f.groupAdmin)],
    },
    {
      what: 'SCIM PUT empties the members of the sub-group that makes an administrator one',
      expect: groups(['OUTRANKED', 'ESCALATION_DENIED']),
      send: async (a) =>
        scim(t, a, 'PUT', `/Groups/${f.adminChild}`, {
          ...(await scimResource(t, `/Groups/${f.adminChild}`)),
          members: [],
        }),
      watch: () => [group(t, f.adminChild), user(t, f.groupAdmin)],
    },
    {
      // The reference answer of the API for the same change: adding a member loads it for users:write.
      what: 'POST /api/admin/groups/:id/members adds the bootstrap administrator to a group',
      expect: gated('groups:write', ['OUTRANKED']),
      send: (a) =>
        t.request('POST', `/api/admin/groups/${f.harmless}/members`, { token: a.token, body: { userId: t.adminId } }),
      watch: () => [group(t, f.harmless), user(t, t.adminId)],
    },
    {
      what: 'SCIM PATCH adds the bootstrap administrator to a group (changing an administrator)',
      expect: groups(['OUTRANKED']),
      send: (a) =>
        scim(
          t,
          a,
          'PATCH',
          `/Groups/${f.harmless}`,
          patch({ op: 'add', path: 'members', value: [{ value: t.adminId }] }),
        ),
      watch: () => [group(t, f.harmless), user(t, t.adminId)],
    },
    {
      what: 'SCIM POST creates a group with the bootstrap administrator as a member',
      expect: groups(['OUTRANKED']),
      send: (a) =>
        scim(t, a, 'POST', '/Groups', {
          schemas: [groupUrn],
          displayName: `${a.name.replace(/\W+/g, '-')}-team`,
          members: [{ value: t.adminId }],
        }),
      watch: (a) => [groupNamed(t, `${a.name.replace(/\W+/g, '-')}-team`), user(t, t.adminId)],
    },
  );
  return attempts;
}

function invitationAttempts(t: TestApp, f: Fixture): Attempt[] {
  const gate = (own: string[]) => gated('invitations:manage', own);
  const invite = (body: Record<string, unknown>, email = `${unique('invitee')}@example.test`) => {
    const send = (a: Actor) =>
      t.request('POST', '/api/admin/invitations', {
        token: a.token,
        body: { emails: [email], ...(a.org ? { organizationId: a.org } : {}), ...body },
      });
    return { send, watch: () => [address(t, email), invitations(t), user(t, t.adminId), user(t, f.groupAdmin)] };
  };
  const attempt = (what: string, expect: (a: Actor) => string[] | null, body: Record<string, unknown>) => ({
    what,
    expect,
    ...invite(body),
  });
  return [
    attempt('invite with the Admin role', gate(['ESCALATION_DENIED']), { roleIds: ['role-admin'] }),
    attempt('invite into the group granting Admin', gate(['ESCALATION_DENIED']), { groupIds: [f.adminGroup] }),
    attempt('invite into a sub-group of the group granting Admin', gate(['ESCALATION_DENIED']), {
      groupIds: [f.adminChild],
    }),
    attempt('invite with a role carrying permissions the inviter does not hold', gate(['ESCALATION_DENIED']), {
      roleIds: [f.strongRole],
    }),
    attempt('invite with Admin hidden among harmless grants', gate(['ESCALATION_DENIED']), {
      roleIds: ['role-admin'],
      groupIds: [f.harmless],
    }),
    attempt('invite with an organization role for the organization (no such field)', gate(['VALIDATION_FAILED']), {
      organizationRoleIds: ['role-admin'],
    }),
    attempt(
      'invite with the role the organization admin holds only in its organization (granted globally on acceptance)',
      (a) => (a.org ? gate(['ESCALATION_DENIED'])(a) : null),
      { roleIds: [f.orgRole] },
    ),
    attempt(
      'invite into an organization the inviter does not manage',
      (a) => (a.org ? gate(['ORGANIZATION_SCOPE'])(a) : null),
      { organizationId: f.otherOrg },
    ),
    attempt('invite into no organization at all', (a) => (a.org ? gate(['ORGANIZATION_SCOPE'])(a) : null), {
      organizationId: null,
    }),
    {
      what: "invite an administrator's address",
      expect: gate(['EMAIL_TAKEN']),
      ...invite({}, f.groupAdminEmail),
    },
  ];
}

function copyAttempts(t: TestApp, f: Fixture): Attempt[] {
  const gate = (own: string[]) => gated('users:write', own);
  /** Outside the organization admin's organization an administrator does not exist for it. */
  const global = (own: string[]) => (a: Actor) => gate(a.org ? ['USER_NOT_FOUND'] : own)(a);
  const copy = (a: Actor, to: string, from: string) =>
    t.request('POST', `/api/admin/users/${to}/access/copy`, { token: a.token, body: { fromUserId: from } });
  const attempts: Attempt[] = [];
  for (const [who, id, expect] of [
    ['the bootstrap administrator (Admin held directly)', t.adminId, global(['ESCALATION_DENIED'])],
    ['an administrator holding Admin through a nested group', f.groupAdmin, global(['ESCALATION_DENIED'])],
    ['an administrator in the organization', f.orgMemberAdmin, gate(['ESCALATION_DENIED'])],
  ] as const) {
    attempts.push(
      {
        what: `copy the access of ${who} onto oneself`,
        expect: (a) => (a.self ? expect(a) : null),
        send: (a) => copy(a, a.self!, id),
        watch: (a) => [user(t, a.self!), user(t, id)],
      },
      {
        what: `copy the access of ${who} onto a peer`,
        expect,
        send: async (a) => copy(a, await plainUserFor(t, a), id),
        watch: () => [user(t, id)],
      },
    );
  }
  // The peer is made before the watch runs, so its before-and-after is compared too.
  const peers = new Map<string, string>();
  const peerOf = async (a: Actor) => {
    if (!peers.has(a.name)) peers.set(a.name, await plainUserFor(t, a, { groupIds: [f.harmless] }));
    return peers.get(a.name)!;
  };
  attempts.push(
    {
      what: 'copy a peer’s access onto the bootstrap administrator',
      expect: global(['OUTRANKED']),
      send: async (a) => copy(a, t.adminId, await peerOf(a)),
      watch: () => [user(t, t.adminId)],
    },
    {
      what: 'copy a peer’s access onto an administrator in the organization',
      expect: gate(['OUTRANKED']),
      send: async (a) => copy(a, f.orgMemberAdmin, await peerOf(a)),
      watch: () => [user(t, f.orgMemberAdmin)],
    },
    {
      what: 'copy the access of an organization member whose organization role carries permissions the actor lacks',
      // Without organizations:write the organization itself is out of reach (404); with it, the role is not grantable.
      expect: (a) =>
        a.self ? gate(a.holds.has('organizations:write') ? ['ESCALATION_DENIED'] : ['NOT_FOUND'])(a) : null,
      send: (a) => copy(a, a.self!, f.orgStrong),
      watch: (a) => [user(t, a.self!), user(t, f.orgStrong)],
    },
    {
      what: 'copy the access of an organization member whose organization role carries permissions the actor lacks, onto a peer',
      expect: (a) => gate(a.holds.has('organizations:write') ? ['ESCALATION_DENIED'] : ['NOT_FOUND'])(a),
      send: async (a) => copy(a, await plainUserFor(t, a), f.orgStrong),
      watch: () => [user(t, f.orgStrong)],
    },
  );
  return attempts;
}

/** The invitation's one-time token, from the message kept in the outbox (no SMTP configured: the log provider). */
async function invitationToken(t: TestApp, email: string): Promise<string> {
  const rows = await t.app.services.db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', email)
    .execute();
  const token = /[?&]token=([A-Za-z0-9_-]{20,})/.exec(rows.at(-1)?.text_body ?? '')?.[1];
  assert.ok(token, `an invitation mail with a token went to ${email}`);
  return token;
}

describeBothDialects('no takeover through SCIM, invitations or copy access', (tt) => {
  test('SCIM Users and Groups: every escalation is refused naming its rule, and nothing changes (authentik CVE-2024-37905, Keycloak CVE-2024-3656)', async (ctx) => {
    const t = tt();
    const f = await setup(t, [], true);
    const { failures, tried } = await tryAll(f.actors, scimAttempts(t, f));
    ctx.diagnostic(`${tried} attempts`);
    assert.deepEqual(failures, [], failures.join('\n'));
    assert.ok(tried >= 5 * 30, `attempts: ${tried}`);
    await adminStillSignsIn(t);
  });

  test('SCIM positive control: the same actors provision weak users and groups', async () => {
    const t = tt();
    const f = await setup(t, [], true);
    for (const a of f.actors.filter((x) => x.org === null)) {
      const label = (what: string, r: Reply) => `${a.name}: ${what}: ${r.status} ${JSON.stringify(r.body)}`;
      const userName = unique('scim');
      const created = await scim(t, a, 'POST', '/Users', { schemas: [userUrn], userName, externalId: unique('ext') });
      assert.equal(created.status, 201, label('POST /Users', created));
      const id = created.body.id as string;
      const { meta: _meta, ...resource } = created.body;
      const email = `${unique('new')}@example.test`;
      const put = await scim(t, a, 'PUT', `/Users/${id}`, { ...resource, emails: [{ value: email, primary: true }] });
      assert.equal(put.status, 200, label('PUT /Users', put));
      assert.equal(put.body.emails[0].value, email);
      const off = await scim(t, a, 'PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: false }));
      assert.equal(off.status, 200, label('PATCH /Users', off));
      assert.equal(off.body.active, false);
      if (a.holds.has('users:delete')) {
        const gone = await scim(t, a, 'DELETE', `/Users/${id}`);
        assert.equal(gone.status, 204, label('DELETE /Users', gone));
      }
      if (a.holds.has('groups:write')) {
        const weak = await t.createUser({ username: unique('weak') });
        const other = await t.createUser({ username: unique('weak') });
        const g = await scim(t, a, 'POST', '/Groups', {
          schemas: [groupUrn],
          displayName: unique('Team'),
          members: [{ value: weak }],
        });
        assert.equal(g.status, 201, label('POST /Groups', g));
        const added = await scim(
          t,
          a,
          'PATCH',
          `/Groups/${g.body.id}`,
          patch({ op: 'add', path: 'members', value: [{ value: other }] }),
        );
        assert.equal(added.status, 200, label('PATCH /Groups', added));
        assert.deepEqual(added.body.members.map((m: { value: string }) => m.value).sort(), [weak, other].sort());
        const joined = await scim(
          t,
          a,
          'PATCH',
          `/Groups/${f.harmless}`,
          patch({ op: 'add', path: 'members', value: [{ value: weak }] }),
        );
        assert.equal(joined.status, 200, label('PATCH an existing group', joined));
        const removed = await scim(t, a, 'DELETE', `/Groups/${g.body.id}`);
        assert.equal(removed.status, 204, label('DELETE /Groups', removed));
      }
    }
  });

  test('invitations: no inviter invites with Admin, a group passing it on, or more than it holds (authentik CVE-2022-23555, CVE-2024-37905)', async (ctx) => {
    const t = tt();
    const f = await setup(t, ['invitations:manage']);
    const { failures, tried } = await tryAll(f.actors, invitationAttempts(t, f));
    ctx.diagnostic(`${tried} attempts`);
    assert.deepEqual(failures, [], failures.join('\n'));
    assert.ok(tried >= 4 * 7, `attempts: ${tried}`);
    // Without invitations:manage (the matrix's actors as they are) the door is closed.
    const plain = await setup(t);
    const closed = await tryAll(
      plain.actors.filter((a) => !a.holds.has('invitations:manage')),
      invitationAttempts(t, plain).slice(0, 2),
    );
    assert.deepEqual(closed.failures, [], closed.failures.join('\n'));
    await adminStillSignsIn(t);
  });

  test('invitations: an accepted invitation grants exactly what it was issued with, whatever the body says (authentik CVE-2022-23555)', async () => {
    const t = tt();
    const f = await setup(t, ['invitations:manage']);
    for (const a of f.actors) {
      const label = (what: string, r: Reply) => `${a.name}: ${what}: ${r.status} ${JSON.stringify(r.body)}`;
      const email = `${unique('invitee')}@example.test`;
      // The harmless version: what the inviter may grant (a role it holds globally, a group granting nothing).
      const grants = a.org ? { organizationId: a.org } : { roleIds: [f.weakRole], groupIds: [f.harmless] };
      const issued = await t.request('POST', '/api/admin/invitations', {
        token: a.token,
        body: { emails: [email], ...grants },
      });
      assert.equal(issued.status, 201, label('invite', issued));
      const token = await invitationToken(t, email);
      const placeholder = issued.body.items[0].userId as string;
      const bootstrap = user(t, t.adminId);
      const adminBefore = await bootstrap();
      const accept = (body: Record<string, unknown>) =>
        t.request('POST', `/api/auth/invitations/${token}/accept`, {
          body: { username: unique('joiner'), password, ...body },
        });
      for (const widening of [
        { roleIds: ['role-admin'] },
        { groupIds: [f.adminGroup] },
        { organizationId: f.otherOrg },
        { organizationRoleIds: ['role-admin'] },
        { status: 'active', emailVerified: true },
      ]) {
        const r = await accept(widening);
        assert.equal(r.status, 400, label(`accept with ${JSON.stringify(widening)}`, r));
        assert.equal(r.body.code, 'VALIDATION_FAILED');
      }
      const taken = await accept({ username: adminCredentials.username });
      assert.equal(taken.status, 409, label("accept with the administrator's username", taken));
      assert.equal(taken.body.code, 'USERNAME_TAKEN');
      assert.deepEqual(await bootstrap(), adminBefore, `${a.name}: the administrator changed`);
      assert.equal((await t.request('GET', `/api/auth/invitations/${token}`)).status, 200, 'the token still works');

      const accepted = await accept({});
      assert.equal(accepted.status, 200, label('accept', accepted));
      assert.equal(accepted.body.id, placeholder);
      assert.equal(accepted.body.status, 'active');
      const [detail, access] = await Promise.all([
        t.request('GET', `/api/admin/users/${placeholder}`, { token: t.adminToken }),
        t.request('GET', `/api/admin/users/${placeholder}/permissions`, { token: t.adminToken }),
      ]);
      assert.deepEqual(
        detail.body.roles.map((r: { id: string }) => r.id),
        a.org ? [] : [f.weakRole],
      );
      assert.deepEqual(
        detail.body.groups.map((g: { id: string }) => g.id),
        a.org ? [] : [f.harmless],
      );
      assert.deepEqual(
        detail.body.organizations.map((o: { id: string }) => o.id),
        a.org ? [a.org] : [],
      );
      assert.deepEqual(
        access.body.items.map((i: { permission: string }) => i.permission),
        a.org ? [] : ['users:read'],
        `${a.name}: the invitee holds exactly the invitation's grants`,
      );
      assert.equal((await accept({})).status, 410, 'the token works once');
    }
    await adminStillSignsIn(t);
  });

  test("copy access: copying an administrator's access onto oneself or a peer is refused, and nothing changes (authentik CVE-2024-37905, Keycloak CVE-2024-3656)", async (ctx) => {
    const t = tt();
    const f = await setup(t, [], true);
    const { failures, tried } = await tryAll(f.actors, copyAttempts(t, f));
    ctx.diagnostic(`${tried} attempts`);
    assert.deepEqual(failures, [], failures.join('\n'));
    assert.ok(tried >= 5 * 8, `attempts: ${tried}`);
    await adminStillSignsIn(t);
  });

  test("copy access positive control: the same actors copy a peer's plain access onto a peer and onto themselves", async () => {
    const t = tt();
    const f = await setup(t, [], true);
    for (const a of f.actors) {
      const label = (what: string, r: Reply) => `${a.name}: ${what}: ${r.status} ${JSON.stringify(r.body)}`;
      // The organization admin holds users:read only in its organization: a global role is not its to grant.
      const source = await plainUserFor(t, a, { groupIds: [f.harmless], ...(a.org ? {} : { roleIds: [f.weakRole] }) });
      const expected = { roles: a.org ? 0 : 1, groups: 1, organizations: a.org ? 1 : 0 };
      for (const to of [await plainUserFor(t, a), ...(a.self ? [a.self] : [])]) {
        const r = await t.request('POST', `/api/admin/users/${to}/access/copy`, {
          token: a.token,
          body: { fromUserId: source },
        });
        assert.equal(r.status, 200, label(`copy onto ${to === a.self ? 'itself' : 'a peer'}`, r));
        assert.deepEqual(r.body, expected);
        const detail = await t.request('GET', `/api/admin/users/${to}`, { token: t.adminToken });
        assert.ok(detail.body.groups.some((g: { id: string }) => g.id === f.harmless));
      }
    }
  });
});
