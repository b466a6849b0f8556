/** The provider's signing keys: made once for every node, sealed at rest, rotated with the old ones still published. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import Provider from 'oidc-provider';
import { loadSigningKeys, rotateKeys, type SigningKeys } from '../../src/features/oidc/oidc.keys.ts';
import { describeBothDatabases } from '../support/database.ts';

const secret = new Uint8Array(randomBytes(32));
const header = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as Record<string, string>;
const kids = (keys: SigningKeys) => keys.publicJwks.keys.map((k) => k.kid).sort();

describeBothDatabases('oidc signing keys', (t) => {
  const empty = async () => {
    await t().db.deleteFrom('oidc_keys').execute();
  };

  test('the first start makes one key per algorithm; the JWKS for the provider holds private parts, /jwks none', async () => {
    await empty();
    const keys = await loadSigningKeys(t().db, secret, t().clock);
    assert.deepEqual(keys.jwks.keys.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
    assert.deepEqual(Object.keys(keys.current).sort(), ['ES256', 'EdDSA', 'RS256']);
    assert.ok(keys.jwks.keys.every((k) => typeof k.d === 'string'));
    assert.ok(keys.publicJwks.keys.every((k) => !('d' in k) && !('p' in k) && k.use === 'sig'));
    assert.deepEqual(
      keys.publicJwks.keys.map((k) => k.kid),
      keys.jwks.keys.map((k) => k.kid),
    );
  });

  test('a second start, and another node, reuse the same keys', async () => {
    await empty();
    const first = await loadSigningKeys(t().db, secret, t().clock);
    const again = await loadSigningKeys(t().db, secret, t().clock);
    const otherNode = await loadSigningKeys(t().openAnother(), secret, t().clock);
    assert.deepEqual(kids(again), kids(first));
    assert.deepEqual(kids(otherNode), kids(first));
    assert.deepEqual(again.jwks, first.jwks);
  });

  test('two nodes starting at once on an empty table end with one key set', async () => {
    for (let round = 0; round < 5; round++) {
      await empty();
      const [a, b] = await Promise.all([
        loadSigningKeys(t().db, secret, t().clock),
        loadSigningKeys(t().openAnother(), secret, t().clock),
      ]);
      assert.deepEqual(kids(a), kids(b));
      assert.equal(a.jwks.keys.length, 3);
      const rows = await t().db.selectFrom('oidc_keys').select(['kid', 'generation']).execute();
      assert.deepEqual(rows.map((r) => r.kid).sort(), kids(a));
    }
  });

  test('the stored private key is not in the database in plaintext', async () => {
    await empty();
    const keys = await loadSigningKeys(t().db, secret, t().clock);
    const rows = await t().db.selectFrom('oidc_keys').selectAll().execute();
    const stored = JSON.stringify(rows);
    for (const key of keys.jwks.keys) {
      assert.ok(typeof key.d === 'string' && key.d.length >= 32);
      assert.ok(!stored.includes(key.d), `${key.alg}'s d is stored as it is`);
    }
    assert.ok(!/"d"/.test(stored) && !/\\"d\\"/.test(stored), 'no row holds a JWK "d" member');
  });

  test('a wrong secret key fails loudly and makes no new keys', async () => {
    await empty();
    const keys = await loadSigningKeys(t().db, secret, t().clock);
    const wrong = new Uint8Array(randomBytes(32));
    await assert.rejects(loadSigningKeys(t().db, wrong, t().clock), /cannot be decrypted: GATEHOUSE_SECRET_KEY/);
    await assert.rejects(rotateKeys(t().db, wrong, t().clock), /cannot be decrypted/);
    // Nothing was written under the wrong key: the right one still reads exactly the keys it made.
    assert.deepEqual(kids(await loadSigningKeys(t().db, secret, t().clock)), kids(keys));
  });

  test('rotation signs with new keys and keeps the old ones published until the retention has passed', async () => {
    await empty();
    const before = await loadSigningKeys(t().db, secret, t().clock);
    const after = await rotateKeys(t().db, secret, t().clock, 3600_000);
    const oldKids = Object.values(before.current);
    const newKids = Object.values(after.current);
    assert.ok(newKids.every((kid) => !oldKids.includes(kid)));
    assert.deepEqual(kids(after), [...oldKids, ...newKids].sort());
    // The first key of each algorithm signs: the new one.
    for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
      assert.equal(after.jwks.keys.find((k) => k.alg === alg)?.kid, after.current[alg]);
    }
    assert.deepEqual(kids(await loadSigningKeys(t().openAnother(), secret, t().clock)), kids(after));
    // The test clock runs on from real time: a minute's margin on each side, so a slow machine's seconds between
    // these steps cannot cross the retention (a CI run under load did with one second).
    t().clock.advance(3600_000 - 60_000);
    assert.deepEqual(kids(await loadSigningKeys(t().db, secret, t().clock)), kids(after));
    t().clock.advance(120_000);
    const later = await loadSigningKeys(t().db, secret, t().clock);
    assert.deepEqual(kids(later), [...newKids].sort());
    assert.deepEqual(later.current, after.current);
    await rotateKeys(t().db, secret, t().clock, 3600_000);
    const left = await t().db.selectFrom('oidc_keys').select('kid').where('kid', 'in', oldKids).execute();
    assert.deepEqual(left, [], 'keys past their retention are deleted at the next rotation');
  });

  test('after a rotation the provider signs with the new key and its /jwks still lists the old one', async () => {
    await empty();
    const before = await loadSigningKeys(t().db, secret, t().clock);
    const after = await rotateKeys(t().db, secret, t().clock);
    const provider = new Provider('http://127.0.0.1', {
      jwks: after.jwks,
      clients: [
        {
          client_id: 'service',
          client_secret: 'a-secret-long-enough-for-the-provider',
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
        },
      ],
      features: {
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => 'urn:api',
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'api', audience: 'urn:api', accessTokenFormat: 'jwt' }),
        },
      },
    });
    const server = provider.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const jwks = (await (await fetch(`${base}/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), kids(after));
      assert.ok(jwks.keys.every((k) => k.d === undefined));
      assert.ok(Object.values(before.current).every((kid) => jwks.keys.some((k) => k.kid === kid)));
      const r = await fetch(`${base}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'service',
          client_secret: 'a-secret-long-enough-for-the-provider',
          scope: 'api',
        }),
      });
      const body = (await r.json()) as { access_token: string };
      assert.equal(r.status, 200, JSON.stringify(body));
      const signed = header(body.access_token);
      assert.equal(signed.alg, 'RS256');
      assert.equal(signed.kid, after.current.RS256);
    } finally {
      server.close();
    }
  });
});
