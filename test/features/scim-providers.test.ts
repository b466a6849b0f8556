/** SCIM as Okta and Microsoft Entra ID drive it: their documented request shapes, replayed on both dialects. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fill, fixture, scimJson, systemKey } from '../fixtures/scim/helpers.ts';
import { describeBothDialects } from '../harness.ts';

const okta = fixture('okta');
const entra = fixture('entra');

describeBothDialects('SCIM with Okta and Entra ID request shapes', (t) => {
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

  test('Okta: lookup by userName (startIndex=1&count=100) finds nothing, then creates the user', async () => {
    const empty = await scim('GET', '/Users', undefined, okta.lookupQuery);
    assert.equal(empty.status, 200);
    assert.equal(empty.body.totalResults, 0);
    assert.deepEqual(empty.body.Resources, []);
    const r = await scim('POST', '/Users', okta.createUser);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.userName, 'test.user@okta.local');
    assert.deepEqual(r.body.name, { formatted: 'Test User', givenName: 'Test', familyName: 'User' });
    assert.equal(r.body.password, undefined);
    ids.userId = r.body.id;
    const found = await scim('GET', '/Users', undefined, okta.lookupQuery);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].id, ids.userId);
    // The password Okta sent is the user's password.
    await t().signIn('test.user@okta.local', okta.createUser.password);
  });

  test('Okta: PUT replaces the profile; the audit trail names the API key as actor', async () => {
    const r = await scim('PUT', `/Users/${ids.userId}`, fill(okta.replaceUser, ids));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.name.givenName, 'Another');
    assert.equal(r.body.displayName, 'Another User');
    const events = await t()
      .app.services.db.selectFrom('events')
      .selectAll()
      .where('action', '=', 'user.update')
      .where('target_id', '=', String(ids.userId))
      .execute();
    assert.ok(events.length >= 1);
    assert.ok(events.every((e) => e.actor_type === 'api-key'));
  });

  test('Okta: PATCH {active:false} disables the user and ends its sessions; {active:true} enables it', async () => {
    const token = await t().signIn('test.user@okta.local', okta.createUser.password);
    assert.equal((await t().request('GET', '/api/me', { token })).status, 200);
    const off = await scim('PATCH', `/Users/${ids.userId}`, okta.deactivateUser);
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.active, false);
    assert.equal((await t().request('GET', '/api/me', { token })).status, 401);
    const filtered = await scim('GET', '/Users', undefined, { filter: 'active eq false' });
    assert.deepEqual(
      filtered.body.Resources.map((u: { id: string }) => u.id),
      [ids.userId],
    );
    const on = await scim('PATCH', `/Users/${ids.userId}`, okta.reactivateUser);
    assert.equal(on.body.active, true);
  });

  test('Okta: groups are created, renamed with the id repeated, given members and losing one by filter', async () => {
    const g = await scim('POST', '/Groups', okta.createGroup);
    assert.equal(g.status, 201, JSON.stringify(g.body));
    assert.deepEqual(g.body.members, []);
    ids.groupId = g.body.id;
    const renamed = await scim('PATCH', `/Groups/${ids.groupId}`, fill(okta.renameGroup, ids));
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(renamed.body.displayName, 'Test SCIMv2 Renamed');
    const added = await scim('PATCH', `/Groups/${ids.groupId}`, fill(okta.addMembers, ids));
    assert.deepEqual(
      added.body.members.map((m: { value: string }) => m.value),
      [ids.userId],
    );
    const removed = await scim('PATCH', `/Groups/${ids.groupId}`, fill(okta.removeMember, ids));
    assert.deepEqual(removed.body.members, []);
  });

  test('Entra ID: create with the enterprise extension, then find by userName, externalId and work email', async () => {
    const r = await scim('POST', '/Users', entra.createUser);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.entra = r.body.id;
    const ext = r.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'];
    assert.equal(ext.department, 'Human Resources US');
    assert.equal(ext.employeeNumber, '100009');
    for (const filter of [entra.filterByUserName, entra.filterByExternalId, entra.filterByWorkEmail]) {
      const found = await scim('GET', '/Users', undefined, { filter });
      assert.equal(found.status, 200, `${filter}: ${JSON.stringify(found.body)}`);
      assert.deepEqual(
        found.body.Resources.map((u: { id: string }) => u.id),
        [ids.entra],
        filter,
      );
    }
    const none = await scim('GET', '/Users', undefined, { filter: entra.filterByUserNameNoMatch });
    assert.equal(none.body.totalResults, 0);
  });

  test('Entra ID: PATCH with "Replace" of emails[type eq "work"].value and name.familyName', async () => {
    const r = await scim('PATCH', `/Users/${ids.entra}`, entra.updateUser);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.emails[0].value, 'updatedEmail@microsoft.com');
    assert.equal(r.body.name.familyName, 'updatedFamilyName');
    assert.equal(r.body.name.givenName, 'givenName');
  });

  test('Entra ID: manager by enterprise path, path-less Add with dotted and URN keys', async () => {
    const m = await scim('PATCH', `/Users/${ids.entra}`, fill(entra.setManager, { managerId: String(ids.userId) }));
    assert.equal(m.status, 200, JSON.stringify(m.body));
    const ext = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    assert.equal(m.body[ext].manager.value, ids.userId);
    const byManager = await scim('GET', '/Users', undefined, { filter: `${ext}:manager.value eq "${ids.userId}"` });
    assert.deepEqual(
      byManager.body.Resources.map((u: { id: string }) => u.id),
      [ids.entra],
    );
    const p = await scim('PATCH', `/Users/${ids.entra}`, entra.pathlessAdd);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.displayName, 'Entra Display');
    assert.equal(p.body.name.givenName, 'Entra');
    assert.equal(p.body[ext].department, 'Finance');
  });

  test('Entra ID: PATCH active "False" (a string) disables the user', async () => {
    const r = await scim('PATCH', `/Users/${ids.entra}`, entra.disableUser);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.active, false);
    const user = await t().request('GET', `/api/admin/users/${ids.entra}`, { token: t().adminToken });
    assert.equal(user.body.status, 'disabled');
  });

  test('Entra ID: group create, lookup with excludedAttributes=members, rename, add and remove members', async () => {
    const g = await scim('POST', '/Groups', entra.createGroup);
    assert.equal(g.status, 201, JSON.stringify(g.body));
    assert.equal(g.body.externalId, entra.createGroup.externalId);
    const url = `/Groups/${g.body.id}`;
    const found = await scim('GET', '/Groups', undefined, entra.groupQuery);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].members, undefined);
    const renamed = await scim('PATCH', url, entra.renameGroup);
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(renamed.body.displayName, entra.renameGroup.Operations[0].value);
    const added = await scim('PATCH', url, fill(entra.addMember, { userId: String(ids.entra) }));
    assert.deepEqual(
      added.body.members.map((m: { value: string }) => m.value),
      [ids.entra],
    );
    const removed = await scim('PATCH', url, fill(entra.removeMember, { userId: String(ids.entra) }));
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.deepEqual(removed.body.members, []);
    assert.equal((await scim('DELETE', url)).status, 204);
    assert.equal((await scim('GET', url)).status, 404);
  });

  test('Entra ID: DELETE removes the user', async () => {
    assert.equal((await scim('DELETE', `/Users/${ids.entra}`)).status, 204);
    const r = await scim('GET', '/Users', undefined, { filter: entra.filterByExternalId });
    assert.equal(r.body.totalResults, 0);
  });
});
