/** oidc-provider's Adapter over the database: every method, expiry by the clock, and a code consumed once. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { errors } from 'oidc-provider';
import { iso } from '../../src/clock.ts';
import { OidcAdapter } from '../../src/features/oidc/oidc.adapter.ts';
import { deleteExpiredPayloads, listPayloadsOfAccount } from '../../src/features/oidc/oidc.store.ts';
import { describeBothDatabases } from '../support/database.ts';

const id = () => randomBytes(12).toString('base64url');

describeBothDatabases('oidc adapter', (t) => {
  const adapter = (model: string) => new OidcAdapter(model, t().db, t().clock);

  test('an upserted payload is found as it was given, under its own model only', async () => {
    const code = id();
    const payload = { accountId: 'u1', clientId: 'app', grantId: id(), scope: 'openid', kind: 'AuthorizationCode' };
    await adapter('AuthorizationCode').upsert(code, payload, 60);
    assert.deepEqual(await adapter('AuthorizationCode').find(code), payload);
    assert.equal(await adapter('AccessToken').find(code), undefined);
    assert.equal(await adapter('AuthorizationCode').find(id()), undefined);
  });

  test('upserting again replaces the payload and what is searched by', async () => {
    const grant = id();
    const a = adapter('Grant');
    await a.upsert(grant, { accountId: 'u1', clientId: 'app', scope: 'openid' }, 60);
    await a.upsert(grant, { accountId: 'u2', clientId: 'app', scope: 'openid email' }, 60);
    assert.deepEqual(await a.find(grant), { accountId: 'u2', clientId: 'app', scope: 'openid email' });
    const u1 = await listPayloadsOfAccount(t().db, 'Grant', 'u1', iso(t().clock.now()));
    assert.ok(!u1.some((r) => r.id === grant));
    const u2 = await listPayloadsOfAccount(t().db, 'Grant', 'u2', iso(t().clock.now()));
    assert.deepEqual(
      u2.filter((r) => r.id === grant).map((r) => [r.client_id, r.model]),
      [['app', 'Grant']],
    );
  });

  test('a session is found by its uid, a device code by its user code', async () => {
    const [session, uid, device, userCode] = [id(), id(), id(), 'ABCD-EFGH'];
    await adapter('Session').upsert(session, { uid, accountId: 'u1' }, 60);
    await adapter('DeviceCode').upsert(device, { userCode, clientId: 'tv' }, 60);
    assert.deepEqual(await adapter('Session').findByUid(uid), { uid, accountId: 'u1' });
    assert.deepEqual(await adapter('DeviceCode').findByUserCode(userCode), { userCode, clientId: 'tv' });
    assert.equal(await adapter('Session').findByUid(id()), undefined);
    assert.equal(await adapter('DeviceCode').findByUserCode('WXYZ-WXYZ'), undefined);
    assert.equal(await adapter('Grant').findByUid(uid), undefined);
  });

  test('consume marks the payload consumed at the clock time, once', async () => {
    const code = id();
    const a = adapter('AuthorizationCode');
    await a.upsert(code, { clientId: 'app' }, 60);
    t().clock.advance(5_000);
    const before = Math.floor(t().clock.now().getTime() / 1000);
    await a.consume(code);
    const found = await a.find(code);
    assert.ok(found && typeof found.consumed === 'number');
    assert.ok(Math.abs(found.consumed - before) <= 1, `${found.consumed} vs ${before}`);
    await assert.rejects(a.consume(code), errors.InvalidGrant);
    await assert.rejects(a.consume(id()), errors.InvalidGrant);
  });

  test('a consumed payload stays consumed when it is saved again', async () => {
    const token = id();
    const a = adapter('RefreshToken');
    await a.upsert(token, { clientId: 'app', grantId: id() }, 60);
    await a.consume(token);
    await a.upsert(token, { clientId: 'app', grantId: id(), rotations: 1 }, 60);
    assert.equal(typeof (await a.find(token))?.consumed, 'number');
  });

  test('50 redemptions of one code at once: exactly one consumes it', async () => {
    const code = id();
    await adapter('AuthorizationCode').upsert(code, { clientId: 'app' }, 60);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => adapter('AuthorizationCode').consume(code)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      assert.ok((r as PromiseRejectedResult).reason instanceof errors.InvalidGrant);
    }
  });

  test('destroy removes one payload', async () => {
    const [a1, a2] = [id(), id()];
    const a = adapter('AccessToken');
    await a.upsert(a1, { clientId: 'app' }, 60);
    await a.upsert(a2, { clientId: 'app' }, 60);
    await a.destroy(a1);
    assert.equal(await a.find(a1), undefined);
    assert.ok(await a.find(a2));
  });

  test("revokeByGrantId removes the grant's payloads of that model, nothing else", async () => {
    const [grant, other] = [id(), id()];
    const [t1, t2, t3, code] = [id(), id(), id(), id()];
    await adapter('RefreshToken').upsert(t1, { grantId: grant }, 60);
    await adapter('RefreshToken').upsert(t2, { grantId: grant }, 60);
    await adapter('RefreshToken').upsert(t3, { grantId: other }, 60);
    await adapter('AuthorizationCode').upsert(code, { grantId: grant }, 60);
    await adapter('RefreshToken').revokeByGrantId(grant);
    assert.equal(await adapter('RefreshToken').find(t1), undefined);
    assert.equal(await adapter('RefreshToken').find(t2), undefined);
    assert.ok(await adapter('RefreshToken').find(t3));
    assert.ok(await adapter('AuthorizationCode').find(code));
  });

  test('a payload is gone once expiresIn seconds have passed on the clock, and the sweep deletes it', async () => {
    const [session, uid, device, userCode] = [id(), id(), id(), `U-${id()}`];
    // The test clock runs on from real time: a minute's margin on each side of the 10-minute expiry.
    await adapter('Session').upsert(session, { uid }, 600);
    await adapter('DeviceCode').upsert(device, { userCode }, 600);
    t().clock.advance(540_000);
    assert.ok(await adapter('Session').find(session));
    assert.ok(await adapter('Session').findByUid(uid));
    assert.ok(await adapter('DeviceCode').findByUserCode(userCode));
    t().clock.advance(120_000);
    assert.equal(await adapter('Session').find(session), undefined);
    assert.equal(await adapter('Session').findByUid(uid), undefined);
    assert.equal(await adapter('DeviceCode').findByUserCode(userCode), undefined);
    await assert.rejects(adapter('DeviceCode').consume(device), errors.InvalidGrant);
    const rows = () => t().db.selectFrom('oidc_payloads').select('id').where('id', 'in', [session, device]).execute();
    assert.equal((await rows()).length, 2);
    assert.ok((await deleteExpiredPayloads(t().db, iso(t().clock.now()))) >= 2);
    assert.deepEqual(await rows(), []);
  });

  test('a payload upserted without expiresIn does not expire, and the sweep keeps it', async () => {
    const client = id();
    await adapter('Client').upsert(client, { client_id: client });
    t().clock.advance(365 * 24 * 3600_000);
    await deleteExpiredPayloads(t().db, iso(t().clock.now()));
    assert.deepEqual(await adapter('Client').find(client), { client_id: client });
  });
});
