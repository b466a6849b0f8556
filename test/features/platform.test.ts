/** Health, readiness, metrics, OpenAPI, settings and security headers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, startTestApp, testDialects } from '../harness.ts';

describeBothDialects('platform', (t) => {
  test('healthz and readyz answer 200 without credentials', async () => {
    const { request } = t();
    assert.equal((await request('GET', '/healthz')).status, 200);
    assert.equal((await request('GET', '/readyz')).status, 200);
  });

  test('issue 24: /metrics is 404 on the public port; the management listener serves it with healthz and readyz', async () => {
    const { request, app } = t();
    const publicMetrics = await request('GET', '/metrics');
    assert.equal(publicMetrics.status, 404);
    assert.doesNotMatch(publicMetrics.raw.body, /process_|nodejs_|gatehouse_http/);
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await app.management.inject({ method: 'GET', url })).statusCode, 200, url);
    }
    assert.equal((await app.management.inject({ method: 'GET', url: '/api/me' })).statusCode, 404, 'nothing else');
  });

  test('metrics are Prometheus text (management port)', async () => {
    const { request, app } = t();
    await request('GET', '/healthz');
    const answer = await app.management.inject({ method: 'GET', url: '/metrics' });
    const r = { status: answer.statusCode, headers: answer.headers, raw: answer };
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
    assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain http (ASVS 3.4.1)');
  });

  test('issue 24: /api/docs has a Content-Security-Policy allowing its own scripts only', async () => {
    const { request } = t();
    const r = await request('GET', '/api/docs');
    assert.equal(r.status, 200);
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
  });

  test('unknown routes are 404 problems', async () => {
    const { request } = t();
    const r = await request('GET', '/api/nothing-here');
    assert.equal(r.status, 404);
    assert.match(String(r.headers['content-type']), /problem\+json/);
  });
});

for (const dialect of testDialects().slice(0, 1)) {
  test('issue 24: HSTS on every answer when the public URL is https, never over http (ASVS 3.4.1)', async () => {
    const secure = await startTestApp({ dialect, env: { GATEHOUSE_PUBLIC_URL: 'https://id.example.com' } });
    const plain = await startTestApp({ dialect, env: { GATEHOUSE_PUBLIC_URL: 'http://id.example.com' } });
    try {
      for (const url of ['/healthz', '/api/openapi.json', '/api/docs', '/api/nothing-here']) {
        const hsts = (await secure.request('GET', url)).headers['strict-transport-security'];
        assert.equal(hsts, 'max-age=31536000; includeSubDomains', url);
        assert.equal((await plain.request('GET', url)).headers['strict-transport-security'], undefined, url);
      }
    } finally {
      await secure.close();
      await plain.close();
    }
  });

  test('issue 24: GATEHOUSE_METRICS_TOKEN guards /metrics with a bearer token', async () => {
    const token = 'metrics-token-for-tests-0123456789';
    const gh = await startTestApp({ dialect, env: { GATEHOUSE_METRICS_TOKEN: token } });
    try {
      const scrape = (authorization?: string) =>
        gh.app.management.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      assert.equal((await scrape()).statusCode, 401);
      assert.equal((await scrape('Bearer wrong-token')).statusCode, 401);
      assert.equal((await scrape(`Bearer ${token}`)).statusCode, 200);
      assert.equal((await gh.app.management.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await gh.close();
    }
  });
}
