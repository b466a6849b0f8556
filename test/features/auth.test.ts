/** Sign-in, sessions, cookies and CSRF over HTTP, on SQLite and PostgreSQL. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, startTestApp, testDialects, unique } from '../harness.ts';

describeBothDialects('auth', (t) => {
  test('a user signs in by username or email, case-insensitively, and gets a 256-bit token (ASVS 7.2.3)', async () => {
    const { request, createUser } = t();
    const username = unique('Sign');
    await createUser({ username, email: `${username}@example.com`, password: 'sign in password' });
    for (const login of [username, username.toLowerCase(), `${username.toUpperCase()}@EXAMPLE.COM`]) {
      const r = await request('POST', '/api/auth/login', { body: { username: login, password: 'sign in password' } });
      assert.equal(r.status, 200, login);
      assert.match(r.body.token, /^ghs_[A-Za-z0-9_-]{43}$/);
      assert.equal(r.body.user.username, username);
      assert.ok(r.body.user.lastLoginAt);
    }
  });

  test('a new token at every sign-in; tokens are stored only as hashes (ASVS 7.2.4)', async () => {
    const { request, createUser, signIn, app } = t();
    const username = unique('rot');
    const id = await createUser({ username, password: 'rotate my token' });
    const a = await signIn(username, 'rotate my token');
    const b = await signIn(username, 'rotate my token');
    assert.notEqual(a, b);
    const rows = await app.services.db.selectFrom('sessions').select('token_hash').where('user_id', '=', id).execute();
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.match(row.token_hash, /^[0-9a-f]{64}$/);
      assert.ok(![a, b].includes(row.token_hash));
    }
    assert.equal((await request('GET', '/api/me', { token: a })).status, 200);
  });

  test('unknown user and wrong password give byte-identical 401 answers (ASVS 6.3.8, authentik CVE-2023-39522)', async () => {
    const { request, createUser } = t();
    const username = unique('enum');
    await createUser({ username, password: 'the right password' });
    const wrong = await request('POST', '/api/auth/login', { body: { username, password: 'the wrong password' } });
    const unknown = await request('POST', '/api/auth/login', {
      body: { username: unique('nobody'), password: 'whatever it is' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.raw.body, unknown.raw.body);
    assert.equal(wrong.headers['content-type'], unknown.headers['content-type']);
  });

  test('a login for an unknown user spends argon2 time like a wrong password (dummy verify)', async () => {
    const { request, createUser } = t();
    const username = unique('timing');
    await createUser({ username, password: 'the right password' });
    const time = async (login: string) => {
      const start = process.hrtime.bigint();
      await request('POST', '/api/auth/login', { body: { username: login, password: 'not the password' } });
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    await time(username);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await time(username));
      unknown.push(await time(`ghost-${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    // A real verification takes ~20 ms here; without the dummy, unknown users would answer in ~1 ms.
    assert.ok(median(unknown) > median(known) * 0.5, `unknown ${median(unknown)} ms vs known ${median(known)} ms`);
  });

  test('the password is checked exactly as typed: no trimming, no case change; NFKC-equal forms match', async () => {
    const { request, createUser } = t();
    const username = unique('exact');
    const password = 'Ｃａｆé password ';
    await createUser({ username, password });
    const login = (p: string) => request('POST', '/api/auth/login', { body: { username, password: p } });
    assert.equal((await login(password)).status, 200);
    assert.equal((await login('Café password ')).status, 200, 'NFKC form of the same password');
    assert.equal((await login('Café password')).status, 401, 'trailing space matters');
    assert.equal((await login('café password ')).status, 401, 'case matters');
  });

  test('a 128-character password works in full: nothing is truncated (ASVS 6.2.9)', async () => {
    const { request, createUser } = t();
    const username = unique('long');
    const password = `${'x'.repeat(120)}-tail-12`;
    assert.equal(password.length, 128);
    await createUser({ username, password });
    assert.equal((await request('POST', '/api/auth/login', { body: { username, password } })).status, 200);
    const truncated = `${'x'.repeat(120)}-tail-13`;
    assert.equal((await request('POST', '/api/auth/login', { body: { username, password: truncated } })).status, 401);
  });

  test('logout ends the session; the token is refused afterwards', async () => {
    const { request, createUser, signIn } = t();
    const username = unique('out');
    await createUser({ username, password: 'logout password' });
    const token = await signIn(username, 'logout password');
    assert.equal((await request('POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await request('GET', '/api/me', { token })).status, 401);
  });

  test('the cookie works for reads; unsafe methods also need the CSRF header (ASVS 3.3.1, 3.5.1)', async () => {
    const { request, createUser } = t();
    const username = unique('cookie');
    await createUser({ username, password: 'cookie password' });
    const login = await request('POST', '/api/auth/login', { body: { username, password: 'cookie password' } });
    const cookies = login.raw.cookies as Array<{
      name: string;
      value: string;
      httpOnly?: boolean;
      sameSite?: string;
      secure?: boolean;
    }>;
    const session = cookies.find((c) => c.name === 'gatehouse_session');
    const csrf = cookies.find((c) => c.name === 'gatehouse_csrf');
    assert.ok(session && csrf);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.notEqual(csrf.httpOnly, true);
    const cookie = `gatehouse_session=${session.value}; gatehouse_csrf=${csrf.value}`;
    assert.equal((await request('GET', '/api/me', { headers: { cookie } })).status, 200);
    const noHeader = await request('PATCH', '/api/me', { headers: { cookie }, body: { displayName: 'x' } });
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.body.code, 'CSRF_FAILED');
    const wrongHeader = await request('PATCH', '/api/me', {
      headers: { cookie, 'x-csrf-token': 'forged' },
      body: { displayName: 'x' },
    });
    assert.equal(wrongHeader.status, 403);
    const ok = await request('PATCH', '/api/me', {
      headers: { cookie, 'x-csrf-token': csrf.value },
      body: { displayName: 'Cookie Person' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.displayName, 'Cookie Person');
  });

  /** Signs a fresh user in through the API and returns its session cookie, its CSRF token and a header builder. */
  const cookieSession = async () => {
    const { request, createUser } = t();
    const username = unique('csrf');
    await createUser({ username, password: 'csrf test password' });
    const login = await request('POST', '/api/auth/login', { body: { username, password: 'csrf test password' } });
    const cookies = login.raw.cookies as Array<{ name: string; value: string }>;
    const session = cookies.find((c) => c.name === 'gatehouse_session')?.value;
    const csrf = cookies.find((c) => c.name === 'gatehouse_csrf')?.value;
    assert.ok(session && csrf);
    return { session, csrf, token: login.body.token as string };
  };

  test('issue 24: a planted CSRF cookie with a matching header is refused; the token is bound to the session (ASVS 3.5.1)', async () => {
    const { request } = t();
    const victim = await cookieSession();
    const attacker = await cookieSession();
    const planted = 'attacker-chosen-value';
    for (const [csrfCookie, header] of [
      [planted, planted],
      [attacker.csrf, attacker.csrf],
    ] as const) {
      const r = await request('POST', '/api/me/api-keys', {
        headers: {
          cookie: `gatehouse_session=${victim.session}; gatehouse_csrf=${csrfCookie}`,
          'x-csrf-token': header,
          origin: 'http://gatehouse.test',
        },
        body: { name: 'planted' },
      });
      assert.equal(r.status, 403, `cookie ${csrfCookie.slice(0, 8)}…`);
      assert.equal(r.body.code, 'CSRF_FAILED');
    }
    const own = await request('POST', '/api/me/api-keys', {
      headers: { cookie: `gatehouse_session=${victim.session}`, 'x-csrf-token': victim.csrf },
      body: { name: 'own' },
    });
    assert.equal(own.status, 201, 'the session’s own token works (whatever the csrf cookie holds)');
  });

  test('issue 24: an unsafe cookie request from a foreign Origin or cross-site fetch is refused, even with the right token (ASVS 3.5.3)', async () => {
    const { request } = t();
    const { session, csrf, token } = await cookieSession();
    const cookie = `gatehouse_session=${session}; gatehouse_csrf=${csrf}`;
    const attempt = (headers: Record<string, string>) =>
      request('POST', '/api/me/api-keys', {
        headers: { cookie, 'x-csrf-token': csrf, ...headers },
        body: { name: 'k' },
      });
    const foreign: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: 'http://gatehouse.test.evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const r = await attempt(headers);
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(r.body.code, 'CSRF_FAILED');
    }
    assert.equal((await attempt({ origin: 'http://gatehouse.test' })).status, 201);
    assert.equal((await attempt({ 'sec-fetch-site': 'same-origin' })).status, 201);
    const bearer = await request('POST', '/api/me/api-keys', {
      token,
      headers: { origin: 'http://evil.example' },
      body: { name: 'bearer' },
    });
    assert.equal(bearer.status, 201, 'a Bearer request is not a browser’s ambient credential: unaffected');
  });

  test('a session check answered from memory applies every rule of the full check (ASVS 7.2.1, 8.3.1)', async () => {
    // The second and later requests of a session are answered from in-memory caches without touching the
    // database (http/authenticate.ts); each case warms them first, then checks the rule still holds.
    const { request, createUser, signIn, clock, adminToken } = t();
    const username = unique('warm');
    const userId = await createUser({ username, password: 'warm password' });
    const token = await signIn(username, 'warm password');
    const warm = async () => {
      for (let i = 0; i < 2; i++) assert.equal((await request('GET', '/api/me', { token })).status, 200);
    };
    await warm();
    // A permission the user lacks: still 403 and still audited.
    const denied = await request('GET', '/api/admin/users', { token });
    assert.equal(denied.status, 403);
    const events = await request('GET', '/api/admin/events', {
      token: adminToken,
      query: { actor: userId, action: 'authorization.denied' },
    });
    assert.equal(events.body.items.length, 1);
    // Header forms the fast path leaves to the full one answer as before.
    await warm();
    assert.equal((await request('GET', '/api/me', { headers: { authorization: `bearer ${token}` } })).status, 200);
    assert.equal((await request('GET', '/api/me', { headers: { authorization: `Bearer  ${token} ` } })).status, 200);
    assert.equal((await request('GET', '/api/me', { headers: { authorization: `Basic ${token}` } })).status, 401);
    assert.equal((await request('GET', '/api/me', { headers: { authorization: `Bearer ${token}x` } })).status, 401);
    // Idle expiry is checked against the clock on every request, cached or not.
    await warm();
    clock.advance(25 * 3_600_000);
    try {
      assert.equal((await request('GET', '/api/me', { token })).status, 401);
    } finally {
      clock.advance(-25 * 3_600_000); // the other tests' sessions share this clock
    }
  });

  test('a malformed or forged credential is a 401 problem, never a 500', async () => {
    const { request } = t();
    for (const authorization of [
      'Bearer',
      'Basic abc',
      'Bearer ghs_x',
      'Bearer gh_zz_zz',
      `Bearer ${'a'.repeat(5000)}`,
    ]) {
      const r = await request('GET', '/api/me', { headers: { authorization } });
      assert.equal(r.status, 401, authorization.slice(0, 20));
      assert.match(String(r.headers['content-type']), /problem\+json/);
    }
  });

  test('sign-in attempts, successes and failures, are audit events without the password', async () => {
    const { request, createUser, app } = t();
    const username = unique('aud');
    const id = await createUser({ username, password: 'audit-canary-password' });
    await request('POST', '/api/auth/login', { body: { username, password: 'wrong-canary-password' } });
    await request('POST', '/api/auth/login', { body: { username, password: 'audit-canary-password' } });
    const events = await app.services.db
      .selectFrom('events')
      .selectAll()
      .where('target_id', '=', id)
      .where('action', '=', 'auth.login')
      .orderBy('at')
      .execute();
    assert.deepEqual(
      events.map((e) => e.outcome),
      ['failure', 'success'],
    );
    const all = JSON.stringify(await app.services.db.selectFrom('events').selectAll().execute());
    assert.ok(!all.includes('canary-password'));
  });
});

for (const dialect of testDialects()) {
  test(`sessions expire after the idle timeout and at the absolute limit (ASVS 7.3.1, 7.3.2) [${dialect}]`, async () => {
    // Its own app: moving the clock by days would expire the shared admin session of the other tests.
    const app = await startTestApp({ dialect });
    try {
      const { request, createUser, signIn, clock, adminToken } = app;
      await createUser({ username: 'idler', password: 'idle session password' });
      await request('PATCH', '/api/admin/settings', { token: adminToken, body: { sessionMaxHours: 50 } });
      const idle = await signIn('idler', 'idle session password');
      clock.advance(23 * 3_600_000);
      assert.equal((await request('GET', '/api/me', { token: idle })).status, 200, 'used within the idle window');
      clock.advance(24 * 3_600_000 + 60_000);
      assert.equal((await request('GET', '/api/me', { token: idle })).status, 401, 'idle past 24 h');
      // Absolute: a session used every 20 hours still ends 50 hours after it began.
      const busy = await signIn('idler', 'idle session password');
      for (let i = 0; i < 3; i++) {
        clock.advance(20 * 3_600_000);
        const r = await request('GET', '/api/me', { token: busy });
        assert.equal(r.status, i < 2 ? 200 : 401, `after ${(i + 1) * 20} hours`);
      }
    } finally {
      await app.close();
    }
  });

  test(`over https the session cookie is Secure and __Host- prefixed (ASVS 3.3.1, 3.3.3) [${dialect}]`, async () => {
    const app = await startTestApp({ dialect, env: { GATEHOUSE_PUBLIC_URL: 'https://id.example.com' } });
    try {
      const login = await app.request('POST', '/api/auth/login', {
        body: { username: 'admin', password: 'admin-password-for-tests' },
      });
      const cookies = login.raw.cookies as Array<{ name: string; secure?: boolean; path?: string }>;
      const session = cookies.find((c) => c.name === '__Host-gatehouse_session');
      assert.ok(session, JSON.stringify(cookies));
      assert.equal(session.secure, true);
      assert.equal(session.path, '/');
    } finally {
      await app.close();
    }
  });

  test(`X-Forwarded-For is believed only from a configured proxy (ASVS 4.1.3) [${dialect}]`, async () => {
    const direct = await startTestApp({ dialect });
    const proxied = await startTestApp({ dialect, env: { GATEHOUSE_TRUST_PROXY: '127.0.0.1' } });
    try {
      for (const [app, expected] of [
        [direct, '127.0.0.1'],
        [proxied, '203.0.113.9'],
      ] as const) {
        await app.request('POST', '/api/auth/login', {
          body: { username: 'nobody-here', password: 'x' },
          headers: { 'x-forwarded-for': '203.0.113.9' },
        });
        const event = await app.app.services.db
          .selectFrom('events')
          .select('ip')
          .where('action', '=', 'auth.login')
          .where('outcome', '=', 'failure')
          .executeTakeFirstOrThrow();
        assert.equal(event.ip, expected);
      }
    } finally {
      await direct.close();
      await proxied.close();
    }
  });
}
