/** Health, readiness, metrics, OpenAPI, settings and security headers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects } from '../harness.ts';

describeBothDialects('platform', (t) => {
  test('healthz and readyz answer 200 without credentials', async () => {
    const { request } = t();
    assert.equal((await request('GET', '/healthz')).status, 200);
    assert.equal((await request('GET', '/readyz')).status, 200);
  });

  test('metrics are Prometheus text', async () => {
    const { request } = t();
    await request('GET', '/healthz');
    const r = await request('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /text\/plain/);
    assert.match(r.raw.body, /gatehouse_http_request_duration_seconds_bucket/);
    // The healthz request above is counted in its own series, buckets cumulative up to +Inf = count.
    const series = 'method="GET",route="/healthz",status="200"';
    const value = (line: string) =>
      Number(
        r.raw.body
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.split(' ')[1],
      );
    const count = value(`gatehouse_http_request_duration_seconds_count{${series}}`);
    assert.ok(count >= 1, 'the healthz request is counted');
    assert.equal(value(`gatehouse_http_request_duration_seconds_bucket{${series},le="+Inf"}`), count);
    assert.ok(value(`gatehouse_http_request_duration_seconds_bucket{${series},le="2.5"}`) <= count);
    assert.ok(value(`gatehouse_http_request_duration_seconds_sum{${series}}`) > 0);
    assert.match(r.raw.body, /process_resident_memory_bytes/);
  });

  test('the OpenAPI 3.1 document lists every /api route with its schemas; /api/docs renders it', async () => {
    const { request, app } = t();
    const r = await request('GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
    const documented = new Set(
      Object.entries(r.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
      ),
    );
    const routes = app.routeTable.filter(
      (x) => x.url.startsWith('/api/') && !x.url.startsWith('/api/docs') && x.url !== '/api/openapi.json',
    );
    for (const route of routes) {
      const openapiPath = route.url.replace(/:(\w+)/g, '{$1}');
      assert.ok(documented.has(`${route.method} ${openapiPath}`), `${route.method} ${openapiPath} is documented`);
    }
    const create = r.body.paths['/api/admin/users'].post;
    assert.ok(create.requestBody.content['application/json'].schema.properties.username);
    // Every $ref resolves (a recursive schema once pointed at an undefined `schema0`).
    const refs = new Set([...JSON.stringify(r.body).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string));
    assert.ok(refs.size > 0);
    for (const ref of refs) {
      assert.match(ref, /^#\/components\/schemas\/[\w.-]+$/, `${ref} is a component reference`);
      assert.ok(r.body.components.schemas[ref.split('/').pop()!], `${ref} is defined`);
    }
    const docs = await request('GET', '/api/docs/');
    assert.equal(docs.status, 200);
  });

  test('settings: defaults from the contract, validated changes, unknown keys refused', async () => {
    const { request, adminToken } = t();
    const r = await request('GET', '/api/admin/settings', { token: adminToken });
    assert.equal(r.status, 200);
    assert.deepEqual(
      { ...r.body, sessionMaxHours: undefined },
      {
        allowRegistration: false,
        invitationTtlHours: 72,
        recoveryTtlMinutes: 30,
        passwordMinLength: 8,
        passwordRequireMix: false,
        usernameMinLength: 3,
        usernameMaxLength: 50,
        requireGroup: false,
        defaultGroupId: null,
        mfaRequired: 'off',
        sessionIdleMinutes: 1440,
        sessionMaxHours: undefined,
        lockoutThreshold: 10,
        lockoutMinutes: 15,
        auditRetentionDays: 365,
        ...Object.fromEntries(
          Object.keys(r.body)
            .filter(
              (k) =>
                ![
                  'allowRegistration',
                  'invitationTtlHours',
                  'recoveryTtlMinutes',
                  'passwordMinLength',
                  'passwordRequireMix',
                  'usernameMinLength',
                  'usernameMaxLength',
                  'requireGroup',
                  'defaultGroupId',
                  'mfaRequired',
                  'sessionIdleMinutes',
                  'sessionMaxHours',
                  'lockoutThreshold',
                  'lockoutMinutes',
                  'auditRetentionDays',
                ].includes(k),
            )
            .map((k) => [k, r.body[k]]),
        ),
      },
    );
    const bad = await request('PATCH', '/api/admin/settings', { token: adminToken, body: { passwordMinLength: 4 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, 'passwordMinLength');
    assert.equal(
      (await request('PATCH', '/api/admin/settings', { token: adminToken, body: { nonsense: true } })).status,
      400,
    );
    const ok = await request('PATCH', '/api/admin/settings', { token: adminToken, body: { passwordMinLength: 12 } });
    assert.equal(ok.body.passwordMinLength, 12);
    // A PATCH changes only what it names: the settings it leaves out keep their values (not their defaults).
    const other = await request('PATCH', '/api/admin/settings', {
      token: adminToken,
      body: { invitationTtlHours: 24 },
    });
    assert.equal(other.body.passwordMinLength, 12);
    assert.equal(other.body.invitationTtlHours, 24);
    await request('PATCH', '/api/admin/settings', { token: adminToken, body: { invitationTtlHours: 72 } });
    const refused = await request('POST', '/api/admin/users', {
      token: adminToken,
      body: { username: 'shortpw', password: 'elevenchars' },
    });
    assert.equal(refused.status, 400, 'the new policy applies at once, without a restart');
    await request('PATCH', '/api/admin/settings', { token: adminToken, body: { passwordMinLength: 8 } });
  });

  test('security headers on every answer; API answers are not cached', async () => {
    const { request, adminToken } = t();
    const r = await request('GET', '/api/admin/users', { token: adminToken });
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  test('unknown routes are 404 problems', async () => {
    const { request } = t();
    const r = await request('GET', '/api/nothing-here');
    assert.equal(r.status, 404);
    assert.match(String(r.headers['content-type']), /problem\+json/);
  });
});
