/** SCIM 2.0 (RFC 7644): the RFC's own request examples replayed against /scim/v2, on both dialects. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fill, fixture, scimJson, systemKey } from '../fixtures/scim/helpers.ts';
import { describeBothDialects } from '../harness.ts';

const rfc = fixture('rfc7644');
const userUrn = 'urn:ietf:params:scim:schemas:core:2.0:User';

describeBothDialects('SCIM RFC 7644 examples', (t) => {
  let key = '';
  const ids: Record<string, string> = {};
  const scim = (method: string, url: string, body?: unknown, query?: Record<string, string>) =>
    t().request(method, `/scim/v2${url}`, {
      token: key,
      headers: scimJson,
      ...(body !== undefined ? { body } : {}),
      ...(query ? { query } : {}),
    });

  before(async () => {
    key = await systemKey(t());
  });

  test('§3.3 creating a User answers 201 with the resource, its id, meta and Location, as application/scim+json', async () => {
    const r = await scim('POST', '/Users', rfc.create);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(String(r.headers['content-type']), /^application\/scim\+json/);
    assert.deepEqual(r.body.schemas, [userUrn]);
    assert.equal(r.body.userName, 'bjensen');
    assert.equal(r.body.externalId, 'bjensen');
    assert.deepEqual(r.body.name, rfc.create.name);
    assert.equal(r.body.active, true);
    assert.equal(r.body.meta.resourceType, 'User');
    assert.equal(r.body.meta.location, `${t().config.publicUrl}/scim/v2/Users/${r.body.id}`);
    assert.equal(r.headers.location, r.body.meta.location);
    assert.ok(r.body.meta.created && r.body.meta.lastModified && r.body.meta.version);
    ids.bjensen = r.body.id;
    const again = await scim('GET', `/Users/${r.body.id}`);
    assert.equal(again.status, 200);
    assert.equal(again.body.userName, 'bjensen');
  });

  test('§3.3 a second User with the same userName (any case) is 409 uniqueness', async () => {
    const r = await scim('POST', '/Users', { ...rfc.create, userName: 'BJensen' });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(r.body.status, '409');
    assert.equal(r.body.scimType, 'uniqueness');
  });

  test('§3.4.2.2 every filter example of the RFC selects exactly the users it describes', async () => {
    const add = async (userName: string, extra: Record<string, unknown>) => {
      const r = await scim('POST', '/Users', { schemas: [userUrn], userName, ...extra });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[userName] = r.body.id;
    };
    await scim('PATCH', `/Users/${ids.bjensen}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'add', path: 'emails', value: [{ value: 'bjensen@example.com', type: 'work', primary: true }] },
        { op: 'add', path: 'userType', value: 'Employee' },
      ],
    });
    await add('jsmith', {
      emails: [{ value: 'jsmith@example.org', type: 'work' }],
      name: { familyName: 'Smith' },
      title: 'Tour Guide',
      userType: 'Employee',
    });
    await add('pomalley', { name: { givenName: 'Pat', familyName: "O'Malley" }, userType: 'Intern' });
    for (const { filter, matches } of rfc.filters as { filter: string; matches: string[] }[]) {
      const r = await scim('GET', '/Users', undefined, { filter });
      assert.equal(r.status, 200, `${filter}: ${JSON.stringify(r.body)}`);
      const names = (r.body.Resources as { userName: string }[]).map((u) => u.userName).filter((n) => n !== 'admin');
      assert.deepEqual(names.sort(), [...matches].sort(), filter);
      assert.equal(r.body.schemas[0], 'urn:ietf:params:scim:api:messages:2.0:ListResponse');
    }
  });

  test('§3.4.2.2 userName and emails compare case-insensitively; externalId exactly (RFC 7643 caseExact)', async () => {
    const byName = await scim('GET', '/Users', undefined, { filter: 'userName eq "BJENSEN"' });
    assert.deepEqual(
      byName.body.Resources.map((u: { id: string }) => u.id),
      [ids.bjensen],
    );
    const byEmail = await scim('GET', '/Users', undefined, { filter: 'emails.value eq "BJensen@Example.COM"' });
    assert.deepEqual(
      byEmail.body.Resources.map((u: { id: string }) => u.id),
      [ids.bjensen],
    );
    const byExternal = await scim('GET', '/Users', undefined, { filter: 'externalId eq "BJENSEN"' });
    assert.equal(byExternal.body.totalResults, 0);
  });

  test('§3.4.2.4 startIndex and count page a sorted list; totalResults counts every match', async () => {
    const q = { filter: 'userName ne "admin"', sortBy: 'userName', startIndex: '2', count: '1' };
    const r = await scim('GET', '/Users', undefined, q);
    assert.equal(r.status, 200);
    assert.equal(r.body.totalResults, 3);
    assert.equal(r.body.startIndex, 2);
    assert.equal(r.body.itemsPerPage, 1);
    assert.equal(r.body.Resources[0].userName, 'jsmith');
    const none = await scim('GET', '/Users', undefined, { ...q, count: '0' });
    assert.equal(none.body.totalResults, 3);
    assert.deepEqual(none.body.Resources, []);
    const desc = await scim('GET', '/Users', undefined, { ...q, startIndex: '1', sortOrder: 'descending' });
    assert.equal(desc.body.Resources[0].userName, 'pomalley');
  });

  test('§3.5.1 PUT replaces the User: attributes left out are cleared, the first email becomes the primary', async () => {
    const r = await scim('PUT', `/Users/${ids.bjensen}`, fill(rfc.replace, ids));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.name.givenName, 'Barbara');
    assert.deepEqual(r.body.emails, [{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    const cleared = await scim('PUT', `/Users/${ids.bjensen}`, { schemas: [userUrn], userName: 'bjensen' });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.emails, undefined);
    assert.equal(cleared.body.name, undefined);
    assert.equal(cleared.body.externalId, undefined);
  });

  test('§3.5.2 PATCH on a User: path-less add, replace of emails[type eq "work"], remove by value filter', async () => {
    const added = await scim('PATCH', `/Users/${ids.bjensen}`, rfc.patchAddPathless);
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.emails[0].value, 'babs@jensen.org');
    const replaced = await scim('PATCH', `/Users/${ids.bjensen}`, rfc.patchReplaceWorkEmail);
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.emails[0].value, 'bjensen@example.com');
    const pathless = await scim('PATCH', `/Users/${ids.bjensen}`, rfc.patchReplacePathless);
    assert.equal(pathless.body.emails[0].value, 'bjensen@example.com');
    const removed = await scim('PATCH', `/Users/${ids.bjensen}`, rfc.patchRemoveWorkEmail);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.emails, undefined);
  });

  test('§3.5.2 PATCH on a Group: add members, remove one by filter, replace all, remove all', async () => {
    const g = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Tour Guides',
    });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    const url = `/Groups/${g.body.id}`;
    const members = async () =>
      ((await scim('GET', url)).body.members as { value: string }[]).map((m) => m.value).sort();
    assert.equal((await scim('PATCH', url, fill(rfc.patchAddMembers, ids))).status, 200);
    assert.deepEqual(await members(), [ids.bjensen]);
    const user = await scim('GET', `/Users/${ids.bjensen}`);
    assert.deepEqual(
      user.body.groups.map((x: { value: string }) => x.value),
      [g.body.id],
    );
    assert.equal((await scim('PATCH', url, fill(rfc.patchRemoveMember, ids))).status, 200);
    assert.deepEqual(await members(), []);
    assert.equal((await scim('PATCH', url, fill(rfc.patchReplaceMembers, ids))).status, 200);
    assert.deepEqual(await members(), [ids.bjensen, ids.jsmith].sort());
    const filtered = await scim('GET', '/Groups', undefined, { filter: `members[value eq "${ids.jsmith}"]` });
    assert.deepEqual(
      filtered.body.Resources.map((x: { id: string }) => x.id),
      [g.body.id],
    );
    assert.equal((await scim('PATCH', url, rfc.patchRemoveAllMembers)).status, 200);
    assert.deepEqual(await members(), []);
  });

  test('§3.5.2 PATCH of a read-only attribute is 400 mutability; an unknown path is 400 invalidPath', async () => {
    const op = (path: string) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path, value: 'x' }],
    });
    const ro = await scim('PATCH', `/Users/${ids.bjensen}`, op('id'));
    assert.equal(ro.status, 400);
    assert.equal(ro.body.scimType, 'mutability');
    const bad = await scim('PATCH', `/Users/${ids.bjensen}`, op('emails[type eq'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.scimType, 'invalidPath');
  });

  test('§3.6 DELETE removes the User (204) and then it is 404 in the SCIM error form', async () => {
    const r = await scim('DELETE', `/Users/${ids.pomalley}`);
    assert.equal(r.status, 204);
    const gone = await scim('GET', `/Users/${ids.pomalley}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.status, '404');
    assert.deepEqual(gone.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
});
