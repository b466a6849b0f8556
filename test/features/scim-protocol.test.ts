/** SCIM protocol edges: filter injection, authentication and permissions, errors, content type, discovery. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sql } from 'kysely';
import { scimJson, systemKey } from '../fixtures/scim/helpers.ts';
import { describeBothDialects } from '../harness.ts';

const userUrn = 'urn:ietf:params:scim:schemas:core:2.0:User';
const errorUrn = 'urn:ietf:params:scim:api:messages:2.0:Error';

describeBothDialects('SCIM protocol', (t) => {
  let key = '';
  const scim = (method: string, url: string, body?: unknown, query?: Record<string, string>, token = key) =>
    t().request(method, `/scim/v2${url}`, {
      token,
      headers: scimJson,
      ...(body !== undefined ? { body } : {}),
      ...(query ? { query } : {}),
    });

  before(async () => {
    key = await systemKey(t());
    for (const userName of ['alice_a', 'bob.b', 'carol']) {
      const r = await scim('POST', '/Users', {
        schemas: [userUrn],
        userName,
        emails: [{ value: `${userName}@corp.test` }],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  test('ASVS 1.2.4: filter injection strings are 400 invalidFilter, never 500 and never everything', async () => {
    const attacks = [
      'userName eq "x" or 1 eq 1',
      '" or ""="',
      'userName eq "x"; DROP TABLE users; --',
      'userName eq "x") or (1 eq 1',
      'password pr',
      'password_hash pr',
      'username_key eq "admin"',
      'userName eq x',
      'userName eq "x" or userName',
      'emails[type eq "work"] or 1',
      'userName gt 1',
      'active eq "yes"',
      'meta.created gt "not a date"',
      'userName eq "x" or users.id pr',
      `userName eq "${'a'.repeat(2100)}"`,
      `${'('.repeat(400)}userName eq "x"${')'.repeat(400)} or`,
      'userName eq "x" ) ; select * from users where ( 1 eq 1',
    ];
    for (const filter of attacks) {
      const r = await scim('GET', '/Users', undefined, { filter });
      assert.equal(r.status, 400, `${filter.slice(0, 60)} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      assert.deepEqual(r.body.schemas, [errorUrn]);
      assert.equal(r.body.scimType, 'invalidFilter', filter.slice(0, 60));
    }
  });

  test('ASVS 1.2.4: quotes and LIKE wildcards in a value are data, not syntax', async () => {
    for (const filter of [
      `userName eq "x' or '1'='1"`,
      'userName co "%"',
      'userName sw "_"',
      'userName eq "\\" or 1=1 --"',
    ]) {
      const r = await scim('GET', '/Users', undefined, { filter });
      assert.equal(r.status, 200, filter);
      assert.equal(r.body.totalResults, 0, filter);
    }
    const underscore = await scim('GET', '/Users', undefined, { filter: 'userName co "_"' });
    assert.deepEqual(
      underscore.body.Resources.map((u: { userName: string }) => u.userName),
      ['alice_a'],
    );
  });

  test('filters combine with and, or, not and parentheses; attribute names are case-insensitive', async () => {
    const r = await scim('GET', '/Users', undefined, {
      filter: '(USERNAME eq "alice_a" or username eq "BOB.B") and not (emails.value ew "bob.b@corp.test")',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.Resources.map((u: { userName: string }) => u.userName),
      ['alice_a'],
    );
  });

  test('without a credential SCIM answers 401 in the SCIM error form', async () => {
    const r = await t().request('GET', '/scim/v2/Users');
    assert.equal(r.status, 401);
    assert.deepEqual(r.body.schemas, [errorUrn]);
    assert.equal(r.body.status, '401');
    assert.match(String(r.headers['content-type']), /^application\/scim\+json/);
  });

  test('a key holding only users:read may list but not create (403), and cannot touch Groups', async () => {
    const reader = await systemKey(t(), ['users:read']);
    assert.equal((await scim('GET', '/Users', undefined, undefined, reader)).status, 200);
    const refused = await scim('POST', '/Users', { schemas: [userUrn], userName: 'nope' }, undefined, reader);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.status, '403');
    assert.equal((await scim('GET', '/Groups', undefined, undefined, reader)).status, 403);
  });

  test('invalid values are 400 invalidValue: a bad email, a bad phone, a missing userName, an unknown member', async () => {
    const bodies = [
      { schemas: [userUrn], userName: 'e1', emails: [{ value: 'not-an-email' }] },
      { schemas: [userUrn], userName: 'p1', phoneNumbers: [{ value: '12' }] },
      { schemas: [userUrn] },
    ];
    for (const body of bodies) {
      const r = await scim('POST', '/Users', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.scimType, 'invalidValue');
    }
    const g = await scim('POST', '/Groups', { displayName: 'G1', members: [{ value: 'no-such-user' }] });
    assert.equal(g.status, 400);
    assert.equal(g.body.scimType, 'invalidValue');
  });

  test('phone numbers are stored in E.164 as the users API stores them', async () => {
    const r = await scim('POST', '/Users', {
      schemas: [userUrn],
      userName: 'phoned',
      phoneNumbers: [{ value: '+41 44 668 18 00', type: 'work' }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.phoneNumbers[0].value, '+41446681800');
  });

  test('a malformed body is 400 invalidSyntax; a PatchOp without its schema is 400 invalidSyntax', async () => {
    const raw = await t().request('POST', '/scim/v2/Users', { token: key, headers: scimJson, body: '{"userName":' });
    assert.equal(raw.status, 400);
    assert.equal(raw.body.scimType, 'invalidSyntax');
    const users = await scim('GET', '/Users', undefined, { filter: 'userName eq "carol"' });
    const patch = await scim('PATCH', `/Users/${users.body.Resources[0].id}`, {
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.scimType, 'invalidSyntax');
  });

  test('plain application/json is accepted too, and answered as application/scim+json', async () => {
    const r = await t().request('POST', '/scim/v2/Users', {
      token: key,
      body: { schemas: [userUrn], userName: 'jsonclient' },
    });
    assert.equal(r.status, 201);
    assert.match(String(r.headers['content-type']), /^application\/scim\+json/);
    const charset = await t().request('POST', '/scim/v2/Users', {
      token: key,
      headers: { 'content-type': 'application/scim+json; charset=utf-8' },
      body: JSON.stringify({ schemas: [userUrn], userName: 'charsetclient' }),
    });
    assert.equal(charset.status, 201, JSON.stringify(charset.body));
    const text = await t().request('POST', '/scim/v2/Users', {
      token: key,
      headers: { 'content-type': 'text/plain' },
      body: 'userName=x',
    });
    assert.equal(text.status, 415);
    assert.deepEqual(text.body.schemas, [errorUrn]);
  });

  test('ServiceProviderConfig, ResourceTypes and Schemas describe the server', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    assert.equal(spc.status, 200);
    assert.equal(spc.body.patch.supported, true);
    assert.equal(spc.body.filter.supported, true);
    assert.equal(spc.body.bulk.supported, false);
    const types = await scim('GET', '/ResourceTypes');
    assert.deepEqual(
      types.body.Resources.map((x: { id: string }) => x.id),
      ['User', 'Group'],
    );
    const schemas = await scim('GET', '/Schemas');
    assert.equal(schemas.body.totalResults, 3);
    const user = await scim('GET', `/Schemas/${userUrn}`);
    assert.equal(user.body.attributes.find((a: { name: string }) => a.name === 'userName').uniqueness, 'server');
    assert.equal((await scim('GET', '/Schemas/urn:nope')).status, 404);
    const missing = await scim('GET', '/Nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body.schemas, [errorUrn]);
  });

  test('odd PATCH bodies are 4xx in the SCIM error form, never 500', async () => {
    const users = await scim('GET', '/Users', undefined, { filter: 'userName eq "carol"' });
    const url = `/Users/${users.body.Resources[0].id}`;
    const schemas = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
    const bodies: unknown[] = [
      null,
      [],
      { schemas, Operations: [] },
      { schemas, Operations: [null] },
      { schemas, Operations: [{ op: 'move', path: 'userName', value: 'x' }] },
      { schemas, Operations: [{ op: 'add', path: 'emails[type eq "work"]', value: 'plain' }] },
      { schemas, Operations: [{ op: 'replace', path: 'name', value: 5 }] },
      { schemas, Operations: [{ op: 'replace', path: 'userName', value: null }] },
      { schemas, Operations: [{ op: 'replace', path: 'userName', value: { nested: true } }] },
      { schemas, Operations: [{ op: 'remove' }] },
      { schemas, Operations: [{ op: 'add', value: 'not an object' }] },
      { schemas, Operations: [{ op: 'replace', path: 'emails[value co "x"].value', value: 'y@z.test' }] },
      { schemas, Operations: [{ op: 'replace', path: 'meta.lastModified', value: 'now' }] },
      { schemas, Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] },
      { schemas, Operations: [{ op: 'replace', path: 'emails[type eq "work"][x]', value: 'a' }] },
    ];
    for (const body of bodies) {
      const r = await scim('PATCH', url, body);
      assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.schemas, [errorUrn]);
    }
  });

  test('a SCIM key cannot make a user an administrator by adding it to a group that grants the admin role', async () => {
    const t0 = t();
    const group = await t0.request('POST', '/api/admin/groups', {
      token: t0.adminToken,
      body: { name: 'Admins by SCIM' },
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const roles = await t0.request('PUT', `/api/admin/groups/${group.body.id}/roles`, {
      token: t0.adminToken,
      body: { roleIds: ['role-admin'] },
    });
    assert.equal(roles.status, 200, JSON.stringify(roles.body));
    const carol = (await scim('GET', '/Users', undefined, { filter: 'userName eq "carol"' })).body.Resources[0].id;
    const r = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: carol }] }],
    });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.deepEqual(r.body.schemas, [errorUrn]);
    assert.deepEqual((await scim('GET', `/Groups/${group.body.id}`)).body.members, []);
  });

  test('attributes and excludedAttributes project the answer; id, schemas and meta always come back', async () => {
    const r = await scim('GET', '/Users', undefined, { filter: 'userName eq "carol"', attributes: 'userName' });
    assert.deepEqual(Object.keys(r.body.Resources[0]).sort(), ['id', 'meta', 'schemas', 'userName']);
    const one = await scim('GET', `/Users/${r.body.Resources[0].id}`, undefined, {
      excludedAttributes: 'emails,groups',
    });
    assert.equal(one.body.emails, undefined);
    assert.equal(one.body.userName, 'carol');
  });

  test('paging parameters out of range are 400 invalidValue or clamped, never 500', async () => {
    const queries: Record<string, string>[] = [
      { startIndex: '1e20' },
      { count: '99999999999999' },
      { startIndex: 'abc' },
    ];
    for (const query of queries) {
      const r = await scim('GET', '/Users', undefined, query);
      assert.equal(r.status, 400, JSON.stringify(query));
      assert.equal(r.body.scimType, 'invalidValue');
    }
    const clamped = await scim('GET', '/Users', undefined, { startIndex: '-5', count: '-1' });
    assert.equal(clamped.status, 200);
    assert.equal(clamped.body.startIndex, 1);
    assert.deepEqual(clamped.body.Resources, []);
    const far = await scim('GET', '/Users', undefined, { startIndex: '1000000', sortBy: 'meta.created' });
    assert.equal(far.status, 200);
    assert.deepEqual(far.body.Resources, []);
    const badSort = await scim('GET', '/Users', undefined, { sortBy: 'password' });
    assert.equal(badSort.status, 400);
  });

  test('a PUT that fails midway changes nothing: fields, status and externalId are one transaction', async () => {
    const { app, dialect } = t();
    const created = await scim('POST', '/Users', { schemas: [userUrn], userName: 'atomic.put', externalId: 'ok-1' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    // A database trigger makes the last step of the PUT (storing the externalId) fail after the user row changed.
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER explode BEFORE UPDATE ON scim_resources WHEN new.external_id = 'explode'
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END`.execute(app.services.db);
    } else {
      await sql`CREATE FUNCTION explode() RETURNS trigger AS $$ BEGIN
        IF new.external_id = 'explode' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN new; END $$
        LANGUAGE plpgsql`.execute(app.services.db);
      await sql`CREATE TRIGGER explode BEFORE UPDATE ON scim_resources FOR EACH ROW EXECUTE FUNCTION explode()`.execute(
        app.services.db,
      );
    }
    try {
      const eventsBefore = await app.services.db
        .selectFrom('events')
        .select('id')
        .where('target_id', '=', id)
        .execute();
      const put = await scim('PUT', `/Users/${id}`, {
        schemas: [userUrn],
        userName: 'atomic.renamed',
        active: false,
        externalId: 'explode',
      });
      assert.equal(put.status, 500);
      const after = await scim('GET', `/Users/${id}`);
      assert.equal(after.body.userName, 'atomic.put', 'the rename was rolled back');
      assert.equal(after.body.active, true, 'the disable was rolled back');
      assert.equal(after.body.externalId, 'ok-1');
      const eventsAfter = await app.services.db.selectFrom('events').select('id').where('target_id', '=', id).execute();
      assert.equal(eventsAfter.length, eventsBefore.length, 'no audit event of a change that did not happen');
    } finally {
      await sql`DROP TRIGGER explode${dialect === 'postgres' ? sql` ON scim_resources` : sql``}`.execute(
        app.services.db,
      );
    }
  });
});
