/** The applications (OAuth clients) registry and its admin API (issue 25, second slice); both dialects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from '../../src/crypto/tokens.ts';
import { oidcAdapterFactory } from '../../src/features/oidc/oidc.adapter.ts';
import { describeBothDialects, unique } from '../harness.ts';
import { userHolding } from '../support/access-fixtures.ts';

const password = 'applications test password';
const base = '/api/admin/applications';

type Application = {
  id: string;
  clientId: string;
  clientSecret?: string;
  name: string;
  type: string;
  redirectUris: string[];
  grantTypes: string[];
  pkceRequired: boolean;
  tokenEndpointAuthMethod: string;
};

describeBothDialects('applications', (t) => {
  const create = async (body: Record<string, unknown>): Promise<Application> => {
    const r = await t().request('POST', base, { token: t().adminToken, body: { name: unique('app'), ...body } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as Application;
  };
  const confidential = (extra: Record<string, unknown> = {}) =>
    create({ type: 'confidential', redirectUris: ['https://app.example.com/callback'], ...extra });

  /** What the registry holds, to show that a refused request changed nothing. */
  const snapshot = async () => {
    const db = t().app.services.db;
    const rows = await db.selectFrom('applications').selectAll().orderBy('id').execute();
    const events = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('action', 'like', 'application.%')
      .executeTakeFirstOrThrow();
    return { rows, events: Number(events.n) };
  };

  /** A signed-in user holding exactly `permissions` through a role of its own. */
  const userWith = async (permissions: string[]) => (await userHolding(t(), permissions, password)).token;

  test('a confidential application gets a client id and a secret shown once, stored only as a hash', async () => {
    const { request, adminToken, app } = t();
    const made = await confidential({ postLogoutRedirectUris: ['https://app.example.com/'] });
    assert.match(made.clientId, /^[A-Za-z0-9_-]{22}$/);
    assert.match(made.clientSecret ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(made.tokenEndpointAuthMethod, 'client_secret_basic');
    assert.equal(made.pkceRequired, false);
    assert.deepEqual(made.grantTypes, ['authorization_code', 'refresh_token'], 'the default grant types');
    const secret = made.clientSecret as string;

    const read = await request('GET', `${base}/${made.id}`, { token: adminToken });
    assert.equal(read.status, 200);
    assert.equal(read.body.clientId, made.clientId);
    assert.equal(read.body.clientSecret, undefined);
    const listed = await request('GET', base, { token: adminToken, query: { limit: '200' } });
    assert.ok(listed.body.items.some((a: Application) => a.id === made.id));
    const row = await app.services.db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.secret_hash && !JSON.stringify(row).includes(secret), 'only a hash is stored');
    for (const answer of [read, listed]) {
      assert.ok(!answer.raw.body.includes(secret), 'no answer but the first shows the secret');
      assert.ok(!answer.raw.body.includes(row.secret_hash), 'no answer shows the hash');
      assert.ok(!/secret_?hash/i.test(answer.raw.body));
    }
    assert.equal(await app.services.applications.verifyClientSecret(made.clientId, secret), true);
    assert.equal(await app.services.applications.verifyClientSecret(made.clientId, `${secret}x`), false);
    assert.equal(await app.services.applications.verifyClientSecret('unknown-client', secret), false);
  });

  test('a public application gets no secret, requires PKCE, and has no secret to rotate', async () => {
    const { request, adminToken, app } = t();
    const made = await create({
      type: 'public',
      redirectUris: ['com.example.app:/callback', 'http://127.0.0.1:8400/cb', 'http://[::1]/cb'],
    });
    assert.equal(made.clientSecret, undefined);
    assert.equal(made.pkceRequired, true);
    assert.equal(made.tokenEndpointAuthMethod, 'none');
    const row = await app.services.db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.secret_hash, null);
    assert.equal(await app.services.applications.verifyClientSecret(made.clientId, ''), false);
    const rotate = await request('POST', `${base}/${made.id}/secret`, { token: adminToken });
    assert.equal(rotate.status, 409);
    assert.equal((await app.services.applications.findClientForProvider(made.clientId))?.application_type, 'native');
  });

  test('rotating a secret: the old one is refused at once, the new one accepted and shown once', async () => {
    const { request, adminToken, app } = t();
    const made = await confidential();
    const rotated = await request('POST', `${base}/${made.id}/secret`, { token: adminToken });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const fresh = rotated.body.clientSecret as string;
    assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(fresh, made.clientSecret);
    assert.equal(rotated.body.clientId, made.clientId, 'the client id stays');
    const { applications } = app.services;
    assert.equal(await applications.verifyClientSecret(made.clientId, made.clientSecret as string), false);
    assert.equal(await applications.verifyClientSecret(made.clientId, fresh), true);
    const read = await request('GET', `${base}/${made.id}`, { token: adminToken });
    assert.ok(!read.raw.body.includes(fresh));
  });

  test('every unsafe redirect URI is refused naming redirectUris.N, and nothing is stored', async () => {
    const { request, adminToken } = t();
    const bad = [
      '/callback',
      'callback',
      'https://app.example.com/cb#fragment',
      'https://app.example.com/cb#',
      'https://*.example.com/cb',
      'https://app.example.com/*',
      'http://app.example.com/cb',
      'http://localhost.evil.example/cb',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'https://user:secret@app.example.com/cb',
      'https://user@app.example.com/cb',
      'https://app.example.com/c b',
      'myapp:/callback',
    ];
    const before = await snapshot();
    for (const uri of bad) {
      for (const type of ['confidential', 'public']) {
        const r = await request('POST', base, {
          token: adminToken,
          body: { name: unique('bad'), type, redirectUris: ['https://app.example.com/ok', uri] },
        });
        assert.equal(r.status, 400, `${type} ${uri}: ${r.status}`);
        assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(r.body.errors[0].path, 'redirectUris.1', `${uri}: ${JSON.stringify(r.body.errors)}`);
      }
    }
    // The same rules for a change, and for the URIs a user lands on after signing out.
    const made = await confidential();
    const after = await snapshot();
    for (const uri of bad) {
      for (const field of ['redirectUris', 'postLogoutRedirectUris']) {
        const r = await request('PATCH', `${base}/${made.id}`, {
          token: adminToken,
          body: { [field]: ['https://app.example.com/ok', uri] },
        });
        assert.equal(r.status, 400, `${field} ${uri}`);
        assert.equal(r.body.errors[0].path, `${field}.1`);
      }
    }
    const backchannel = await request('PATCH', `${base}/${made.id}`, {
      token: adminToken,
      body: { backchannelLogoutUri: 'com.example.app:/logout' },
    });
    assert.equal(backchannel.status, 400);
    assert.equal(backchannel.body.errors[0].path, 'backchannelLogoutUri');
    assert.deepEqual(await snapshot(), after);
    assert.equal(after.rows.length, before.rows.length + 1);
  });

  test('a custom scheme is for public clients; loopback http is allowed for development', async () => {
    const { request, adminToken } = t();
    const native = await request('POST', base, {
      token: adminToken,
      body: { name: unique('srv'), type: 'confidential', redirectUris: ['com.example.app:/callback'] },
    });
    assert.equal(native.status, 400);
    assert.equal(native.body.errors[0].path, 'redirectUris.0');
    const dev = await confidential({
      redirectUris: ['http://localhost:3000/cb', 'http://127.0.0.1:3000/cb', 'https://app.example.com/cb?x=1'],
    });
    assert.equal(dev.redirectUris.length, 3);
    const repeated = await request('POST', base, {
      token: adminToken,
      body: { name: unique('rep'), type: 'public', redirectUris: ['https://a.example/cb', 'https://a.example/cb'] },
    });
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body.errors[0].path, 'redirectUris');
  });

  test('grant types: a public client cannot use client_credentials, on creation or by a change', async () => {
    const { request, adminToken } = t();
    const before = await snapshot();
    const refused = await request('POST', base, {
      token: adminToken,
      body: {
        name: unique('pub'),
        type: 'public',
        redirectUris: ['https://spa.example.com/cb'],
        grantTypes: ['authorization_code', 'client_credentials'],
      },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].path, 'grantTypes');
    assert.deepEqual(await snapshot(), before);
    const unknown = await request('POST', base, {
      token: adminToken,
      body: { name: unique('x'), type: 'confidential', redirectUris: [], grantTypes: ['password'] },
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.errors[0].path, /^grantTypes/);

    const spa = await create({ type: 'public', redirectUris: ['https://spa.example.com/cb'] });
    const afterCreate = await snapshot();
    const change = await request('PATCH', `${base}/${spa.id}`, {
      token: adminToken,
      body: { grantTypes: ['client_credentials'] },
    });
    assert.equal(change.status, 400);
    assert.equal(change.body.errors[0].path, 'grantTypes');
    assert.deepEqual(await snapshot(), afterCreate);

    // A service account: client credentials alone, no redirect URI, nothing to answer at the authorization endpoint.
    const machine = await create({ type: 'confidential', redirectUris: [], grantTypes: ['client_credentials'] });
    const metadata = await t().app.services.applications.findClientForProvider(machine.clientId);
    assert.deepEqual(metadata?.response_types, []);
    const noRedirect = await request('POST', base, {
      token: adminToken,
      body: { name: unique('x'), type: 'confidential', redirectUris: [] },
    });
    assert.equal(noRedirect.status, 400);
    assert.equal(noRedirect.body.errors[0].path, 'redirectUris');
  });

  test('fields the server sets (clientId, clientSecret, type on a change) are refused, never read', async () => {
    const { request, adminToken } = t();
    const r = await request('POST', base, {
      token: adminToken,
      body: { name: 'x', type: 'public', redirectUris: ['https://a.example/cb'], clientId: 'mine' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].path, 'clientId');
    const made = await create({ type: 'public', redirectUris: ['https://a.example/cb'] });
    const turn = await request('PATCH', `${base}/${made.id}`, { token: adminToken, body: { type: 'confidential' } });
    assert.equal(turn.status, 400);
    assert.equal(turn.body.errors[0].path, 'type');
  });

  test('without applications:manage every route is 403 and nothing changes', async () => {
    const { request } = t();
    const made = await confidential();
    const before = await snapshot();
    for (const token of [await userWith([]), await userWith(['settings:write', 'api-keys:manage'])]) {
      const calls: [string, string, unknown][] = [
        ['GET', base, undefined],
        ['POST', base, { name: 'x', type: 'public', redirectUris: ['https://a.example/cb'] }],
        ['GET', `${base}/${made.id}`, undefined],
        ['PATCH', `${base}/${made.id}`, { name: 'renamed' }],
        ['DELETE', `${base}/${made.id}`, undefined],
        ['POST', `${base}/${made.id}/secret`, undefined],
      ];
      for (const [method, url, body] of calls) {
        const r = await request(method, url, { token, ...(body ? { body } : {}) });
        assert.equal(r.status, 403, `${method} ${url}`);
        assert.ok(!r.raw.body.includes(made.clientId), `${method} ${url} shows nothing`);
      }
    }
    assert.deepEqual(await snapshot(), before);
    assert.equal(await t().app.services.applications.verifyClientSecret(made.clientId, made.clientSecret ?? ''), true);
    const holder = await userWith(['applications:manage']);
    assert.equal((await request('GET', `${base}/${made.id}`, { token: holder })).status, 200);
  });

  test('every change is audited with the application’s name, and no event holds a secret', async () => {
    const { request, adminToken, app } = t();
    const name = unique('Audited');
    const made = await confidential({ name });
    const patched = await request('PATCH', `${base}/${made.id}`, {
      token: adminToken,
      body: { name: `${name} 2`, firstParty: true, redirectUris: ['https://app.example.com/new'] },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.firstParty, true);
    const rotated = await request('POST', `${base}/${made.id}/secret`, { token: adminToken });
    assert.equal((await request('DELETE', `${base}/${made.id}`, { token: adminToken })).status, 204);

    const events = await app.services.db
      .selectFrom('events')
      .selectAll()
      .where('target_id', '=', made.id)
      .orderBy('at')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      events.map((e) => e.action),
      ['application.create', 'application.update', 'application.secret.rotate', 'application.delete'],
    );
    for (const e of events) {
      assert.equal(e.target_type, 'application');
      assert.equal(e.actor_id, t().adminId);
      const details = JSON.parse(e.details) as { name: string; clientId: string };
      assert.ok(details.name.startsWith(name), `${e.action} names the application`);
      assert.equal(details.clientId, made.clientId);
    }
    const update = JSON.parse(events[1]?.details ?? '{}');
    assert.deepEqual(update.changed, ['name', 'redirect_uris', 'first_party']);
    assert.deepEqual(update.to.redirectUris, ['https://app.example.com/new']);
    const everyEvent = JSON.stringify(await app.services.db.selectFrom('events').selectAll().execute());
    for (const secret of [made.clientSecret as string, rotated.body.clientSecret as string]) {
      assert.ok(!everyEvent.includes(secret), 'no event holds a secret');
    }
  });

  test('a change that changes nothing records nothing', async () => {
    const { request, adminToken } = t();
    const made = await confidential();
    const before = await snapshot();
    const same = await request('PATCH', `${base}/${made.id}`, {
      token: adminToken,
      body: { name: made.name, redirectUris: made.redirectUris },
    });
    assert.equal(same.status, 200);
    assert.deepEqual(await snapshot(), before);
  });

  test('a deleted application is gone: 404 everywhere, unknown to the provider, its secret refused', async () => {
    const { request, adminToken, app } = t();
    const made = await confidential();
    assert.equal((await request('DELETE', `${base}/${made.id}`, { token: adminToken })).status, 204);
    for (const [method, url, body] of [
      ['GET', `${base}/${made.id}`, undefined],
      ['PATCH', `${base}/${made.id}`, { name: 'again' }],
      ['DELETE', `${base}/${made.id}`, undefined],
      ['POST', `${base}/${made.id}/secret`, undefined],
    ] as const) {
      const r = await request(method, url, { token: adminToken, ...(body ? { body } : {}) });
      assert.equal(r.status, 404, `${method} ${url}`);
      assert.equal(r.body.code, 'NOT_FOUND');
    }
    assert.equal(await app.services.applications.findClientForProvider(made.clientId), undefined);
    assert.equal(await app.services.applications.verifyClientSecret(made.clientId, made.clientSecret ?? ''), false);
  });

  test("deleting an application revokes every grant, code and token issued to it, and no other client's", async () => {
    const { request, adminToken, adminId, app, clock } = t();
    const [gone, kept] = [await confidential(), await confidential()];
    const payloads = oidcAdapterFactory(app.services.db, clock);
    const issued = async (clientId: string) => {
      const grantId = newId();
      await payloads('Grant').upsert(grantId, { accountId: adminId, clientId }, 3600);
      await payloads('RefreshToken').upsert(newId(), { accountId: adminId, clientId, grantId }, 3600);
      await payloads('AuthorizationCode').upsert(newId(), { accountId: adminId, clientId, grantId }, 60);
      return grantId;
    };
    const [goneGrant, keptGrant] = [await issued(gone.clientId), await issued(kept.clientId)];
    assert.equal((await request('DELETE', `${base}/${gone.id}`, { token: adminToken })).status, 204);
    const left = await app.services.db.selectFrom('oidc_payloads').select(['client_id', 'model']).execute();
    assert.deepEqual(
      left.filter((r) => r.client_id === gone.clientId),
      [],
    );
    assert.equal(left.filter((r) => r.client_id === kept.clientId).length, 3);
    assert.equal(await payloads('Grant').find(goneGrant), undefined);
    assert.ok(await payloads('Grant').find(keptGrant));
    const event = await app.services.db
      .selectFrom('events')
      .select('details')
      .where('action', '=', 'application.delete')
      .where('target_id', '=', gone.id)
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.details).artifactsRevoked, 3);
  });

  test('two applications never share a client id: random ids, and a unique index behind them', async () => {
    const { app } = t();
    const made = await Promise.all(Array.from({ length: 12 }, () => confidential()));
    assert.equal(new Set(made.map((a) => a.clientId)).size, made.length);
    const first = await app.services.db
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', made[0]?.id ?? '')
      .executeTakeFirstOrThrow();
    await assert.rejects(
      app.services.db
        .insertInto('applications')
        .values({ ...first, id: newId(), client_id: made[1]?.clientId ?? '' })
        .execute(),
    );
  });

  test('the provider gets the client metadata it needs, without the secret', async () => {
    const { app } = t();
    const made = await confidential({
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      backchannelLogoutUri: 'https://app.example.com/backchannel',
    });
    const metadata = await app.services.applications.findClientForProvider(made.clientId);
    assert.deepEqual(metadata, {
      client_id: made.clientId,
      client_name: made.name,
      application_type: 'web',
      redirect_uris: ['https://app.example.com/callback'],
      post_logout_redirect_uris: ['https://app.example.com/bye'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      backchannel_logout_uri: 'https://app.example.com/backchannel',
    });
    assert.ok(!JSON.stringify(metadata).includes(made.clientSecret as string));
  });

  test('the list is a page: newest first, a cursor to the next, and a search by name or client id', async () => {
    const { request, adminToken } = t();
    const tag = unique('Paged');
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await confidential({ name: `${tag} ${i}` }));
    const first = await request('GET', base, { token: adminToken, query: { q: tag.toLowerCase(), limit: '2' } });
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.items.map((a: Application) => a.name),
      [`${tag} 2`, `${tag} 1`],
    );
    assert.equal(first.body.total, 3);
    assert.ok(first.body.nextCursor);
    const second = await request('GET', base, {
      token: adminToken,
      query: { q: tag, limit: '2', cursor: first.body.nextCursor },
    });
    assert.deepEqual(
      second.body.items.map((a: Application) => a.name),
      [`${tag} 0`],
    );
    assert.equal(second.body.nextCursor, null);
    const byClient = await request('GET', base, { token: adminToken, query: { q: made[0]?.clientId ?? '' } });
    assert.deepEqual(
      byClient.body.items.map((a: Application) => a.id),
      [made[0]?.id],
    );
  });
});
