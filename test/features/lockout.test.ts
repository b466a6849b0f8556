/**
 * Brute-force protection over HTTP, on SQLite and PostgreSQL, with the counters in the database and in Redis.
 * The client address comes from X-Forwarded-For (the test app trusts 127.0.0.1 as a proxy), so each test
 * uses its own address and the per-address counter of one test does not leak into another.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { before, test } from 'node:test';
import { describeBothDialects, startTestApp, type TestApp, unique } from '../harness.ts';
import { forgetLoopbackCounters } from '../support/redis-counters.ts';

const password = 'lockout test password';
const wrong = 'not the password at all';
const threshold = 10;

function freshIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

function suite(t: () => TestApp): void {
  const login = (username: string, pw: string, ip: string) =>
    t().request('POST', '/api/auth/login', { body: { username, password: pw }, headers: { 'x-forwarded-for': ip } });

  test('past lockoutThreshold the account locks: 429 with Retry-After, even for the right password (ASVS 6.3.1)', async () => {
    const { createUser, app } = t();
    const username = unique('lock');
    const id = await createUser({ username, password });
    const ip = freshIp();
    for (let i = 0; i < threshold; i++) assert.equal((await login(username, wrong, ip)).status, 401, `attempt ${i}`);
    const lockedWrong = await login(username, wrong, ip);
    const lockedRight = await login(username, password, ip);
    assert.equal(lockedWrong.status, 429);
    assert.equal(lockedRight.status, 429, 'the right password is refused during the lock');
    assert.equal(lockedRight.raw.body, lockedWrong.raw.body, 'no hint whether the password was right');
    for (const r of [lockedWrong, lockedRight]) {
      const retry = Number(r.headers['retry-after']);
      assert.ok(retry > 14 * 60 && retry <= 15 * 60, `Retry-After ${retry}`);
    }
    assert.equal(lockedRight.body.code, 'LOGIN_LOCKED');
    const lockEvents = await app.services.db
      .selectFrom('events')
      .select('action')
      .where('action', '=', 'auth.lockout')
      .where('target_id', '=', id)
      .execute();
    assert.equal(lockEvents.length, 1, 'the lock is an audit event');
  });

  test('failures during a lock are not counted; the lock ends after lockoutMinutes, then doubles (NIST 5.2.2)', async () => {
    const { createUser, clock, adminToken, request } = t();
    const username = unique('double');
    const id = await createUser({ username, password });
    const ip = freshIp();
    for (let i = 0; i < threshold; i++) await login(username, wrong, ip);
    for (let i = 0; i < 5; i++) assert.equal((await login(username, wrong, ip)).status, 429);
    const state = await request('GET', `/api/admin/users/${id}/lockout`, { token: adminToken });
    assert.equal(state.body.locked, true);
    assert.equal(state.body.failures, 0, 'attempts during the lock were not counted');
    clock.advance(15 * 60_000 + 1_000);
    for (let i = 0; i < threshold; i++) assert.equal((await login(username, wrong, ip)).status, 401);
    const second = await login(username, password, ip);
    assert.equal(second.status, 429);
    const retry = Number(second.headers['retry-after']);
    assert.ok(retry > 29 * 60 && retry <= 30 * 60, `the second lock doubles: Retry-After ${retry}`);
    clock.advance(30 * 60_000 + 1_000);
    assert.equal((await login(username, password, ip)).status, 200);
  });

  test('an admin unlocks a locked account; unlocking needs users:write (ASVS 6.3.1)', async () => {
    const { createUser, request, adminToken, signIn } = t();
    const username = unique('unlock');
    const id = await createUser({ username, password });
    const plain = unique('plain');
    await createUser({ username: plain, password });
    const plainToken = await signIn(plain, password);
    const ip = freshIp();
    for (let i = 0; i < threshold; i++) await login(username, wrong, ip);
    assert.equal((await login(username, password, ip)).status, 429);
    assert.equal((await request('POST', `/api/admin/users/${id}/unlock`, { token: plainToken })).status, 403);
    assert.equal((await login(username, password, ip)).status, 429);
    const r = await request('POST', `/api/admin/users/${id}/unlock`, { token: adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.locked, false);
    assert.equal((await login(username, password, ip)).status, 200);
    assert.equal((await request('POST', '/api/admin/users/no-such-user/unlock', { token: adminToken })).status, 404);
  });

  test('200 concurrent wrong passwords record no more failures than the limit (Zitadel GHSA-7h8m-vrxx-vr4m, Keycloak #31726)', async () => {
    const { createUser, app } = t();
    const username = unique('race');
    const id = await createUser({ username, password });
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 200 }, () => login(username, wrong, ip)));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, threshold, 'exactly the limit was verified');
    assert.equal(statuses.filter((s) => s === 429).length, 200 - threshold);
    const checked = await app.services.db
      .selectFrom('events')
      .select('details')
      .where('action', '=', 'auth.login')
      .where('target_id', '=', id)
      .where('details', 'like', '%bad-credentials%')
      .execute();
    assert.equal(checked.length, threshold, 'recorded failures never exceed the limit');
    assert.equal((await login(username, password, ip)).status, 429, 'the lock engaged');
  });

  test('50 parallel sign-ins with the right password all succeed: reservations wait, they do not refuse', async () => {
    const { createUser } = t();
    const username = unique('burst');
    await createUser({ username, password });
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 50 }, () => login(username, password, ip)));
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(50).fill(200),
    );
  });

  test('an unknown username locks exactly like an existing account (ASVS 6.3.8)', async () => {
    const { createUser } = t();
    const existing = unique('known');
    await createUser({ username: existing, password });
    const ghost = unique('ghost');
    const ip = freshIp();
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < threshold + 1; i++) {
      known.push((await login(existing, wrong, ip)).status);
      unknown.push((await login(ghost, wrong, ip)).status);
    }
    assert.deepEqual(known, unknown);
    const a = await login(existing, wrong, ip);
    const b = await login(ghost, wrong, ip);
    assert.equal(a.status, 429);
    assert.equal(a.raw.body, b.raw.body);
    assert.ok(Math.abs(Number(a.headers['retry-after']) - Number(b.headers['retry-after'])) <= 1);
  });

  test('failures are also counted per client address: spraying many accounts locks the address (ASVS 6.3.1)', async () => {
    const { createUser } = t();
    const victim = unique('victim');
    await createUser({ username: victim, password });
    const ip = freshIp();
    // 12 names × 9 failures = 108: no name reaches its own limit, the address (10 × threshold) does.
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const name = unique('spray');
        for (let i = 0; i < threshold - 1; i++) await login(name, wrong, ip);
      }),
    );
    const fromSprayer = await login(victim, password, ip);
    assert.equal(fromSprayer.status, 429);
    assert.ok(Number(fromSprayer.headers['retry-after']) > 0);
    assert.equal((await login(victim, password, freshIp())).status, 200, 'another address is not affected');
  });

  const loginWith = (username: string, pw: string, ip: string, device: { body?: string; cookie?: string }) =>
    t().request('POST', '/api/auth/login', {
      body: { username, password: pw, ...(device.body ? { deviceToken: device.body } : {}) },
      headers: { 'x-forwarded-for': ip, ...(device.cookie ? { cookie: `gatehouse_device=${device.cookie}` } : {}) },
    });

  /** Signs in once from an address of its own and returns the device token (body) and device cookie value. */
  const deviceOf = async (username: string) => {
    const r = await login(username, password, freshIp());
    assert.equal(r.status, 200);
    const cookie = r.raw.cookies.find((c) => c.name === 'gatehouse_device');
    assert.ok(cookie, 'a browser gets the device token as a cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(typeof r.body.deviceToken, 'string', 'an API client gets it in the answer');
    return { body: r.body.deviceToken as string, cookie: cookie.value };
  };

  test('issue 24: 100 failures from one address with varied usernames throttle it; the device-token holder still signs in (ASVS 6.3.1, NIST 5.2.2)', async () => {
    const { createUser, app } = t();
    const username = unique('owner');
    await createUser({ username, password });
    const device = await deviceOf(username);
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < threshold * 10; i++) statuses.push((await login(unique('sprayed'), wrong, ip)).status);
    assert.deepEqual(statuses, Array(threshold * 10).fill(401), 'no single name reached its own limit');
    const stranger = await login(username, password, ip);
    assert.equal(stranger.status, 429, 'without a device token the address is throttled');
    const wait = Number(stranger.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 300, `a throttle, not a 15-minute lock: Retry-After ${wait}`);
    assert.equal((await loginWith(username, password, ip, { body: device.body })).status, 200, 'API client');
    const browser = await loginWith(username, password, ip, { cookie: device.cookie });
    assert.equal(browser.status, 200, 'browser with its device cookie');
    assert.equal((await loginWith(username, wrong, ip, { cookie: device.cookie })).status, 401, 'not refused either');
    const events = await app.services.db
      .selectFrom('events')
      .select('details')
      .where('action', '=', 'auth.lockout')
      .where('details', 'like', '%"counter":"ip"%')
      .execute();
    assert.ok(events.length >= 1, 'the throttle is in the audit trail');
  });

  test('the address throttle lets one attempt through per wait, the wait growing, never 15 minutes (NIST 5.2.2)', async () => {
    const { createUser, clock } = t();
    const username = unique('slow');
    await createUser({ username, password });
    const ip = freshIp();
    for (let i = 0; i < threshold * 10; i++) await login(unique('sprayed'), wrong, ip);
    const waits: number[] = [];
    for (let step = 0; step < 4; step++) {
      const refused = await login(unique('sprayed'), wrong, ip);
      assert.equal(refused.status, 429);
      waits.push(Number(refused.headers['retry-after']));
      clock.advance(waits[step]! * 1000);
      assert.equal((await login(unique('sprayed'), wrong, ip)).status, 401, 'one attempt after the wait');
    }
    assert.deepEqual(waits, [1, 2, 4, 8]);
    clock.advance(16_000);
    assert.equal((await login(username, password, ip)).status, 200, 'the right password after the wait');
  });

  test('an account locked by others stays locked for them, not for the holder of its device token (ASVS 6.3.1)', async () => {
    const { createUser, request, adminToken } = t();
    const username = unique('target');
    const id = await createUser({ username, password });
    const device = await deviceOf(username);
    const attacker = freshIp();
    for (let i = 0; i < threshold; i++) await login(username, wrong, attacker);
    assert.equal((await login(username, password, attacker)).status, 429);
    assert.equal((await login(username, password, freshIp())).status, 429, 'the account lock stays');
    assert.equal((await loginWith(username, password, freshIp(), device)).status, 200);
    const state = await request('GET', `/api/admin/users/${id}/lockout`, { token: adminToken });
    assert.equal(state.body.locked, true, 'the device sign-in did not lift the lock others caused');
  });

  test('a device token counts its own failures and locks itself; it works only for its account and unaltered (ASVS 6.3.1)', async () => {
    const { createUser } = t();
    const username = unique('device');
    const other = unique('other');
    await createUser({ username, password });
    await createUser({ username: other, password });
    const device = await deviceOf(username);
    const ip = freshIp();
    for (let i = 0; i < threshold; i++) {
      assert.equal((await loginWith(username, wrong, ip, { body: device.body })).status, 401);
    }
    assert.equal((await loginWith(username, password, ip, { body: device.body })).status, 429, 'the device locked');
    assert.equal((await login(username, password, freshIp())).status, 200, 'the account itself was not counted');

    const otherIp = freshIp();
    for (let i = 0; i < threshold; i++) await login(other, wrong, otherIp);
    assert.equal((await loginWith(other, password, freshIp(), device)).status, 429, 'not a token for this account');
    const fresh = await deviceOf(username);
    const tampered = `${fresh.body.slice(0, -2)}${fresh.body.endsWith('AA') ? 'BB' : 'AA'}`;
    for (let i = 0; i < threshold; i++) await login(username, wrong, otherIp);
    assert.equal((await loginWith(username, password, freshIp(), { body: tampered })).status, 429, 'tampered');
    assert.equal((await loginWith(username, password, freshIp(), { body: fresh.body })).status, 200);
  });

  test('a successful sign-in forgets the account’s earlier failures', async () => {
    const { createUser } = t();
    const username = unique('reset');
    await createUser({ username, password });
    const ip = freshIp();
    for (let i = 0; i < threshold - 1; i++) await login(username, wrong, ip);
    assert.equal((await login(username, password, ip)).status, 200);
    for (let i = 0; i < threshold - 1; i++) assert.equal((await login(username, wrong, ip)).status, 401);
    assert.equal((await login(username, password, ip)).status, 200);
  });
}

describeBothDialects('lockout (database counters)', suite, { GATEHOUSE_TRUST_PROXY: '127.0.0.1' });
// Wrong passwords of earlier runs and other files from 127.0.0.1 must not lock this file's admin out.
before(() => forgetLoopbackCounters());
describeBothDialects('lockout (Redis counters)', suite, {
  GATEHOUSE_TRUST_PROXY: '127.0.0.1',
  GATEHOUSE_REDIS_URL: 'redis://127.0.0.1:6379',
});

for (const counters of ['database', 'Redis'] as const) {
  test(`two nodes on one PostgreSQL database share the ${counters} counters (ASVS 6.3.1)`, async () => {
    // Always on PostgreSQL: several nodes share one server database (SQLite is single-node by nature).
    const env: Record<string, string> = {
      GATEHOUSE_TRUST_PROXY: '127.0.0.1',
      ...(counters === 'Redis' ? { GATEHOUSE_REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
    };
    const a = await startTestApp({ dialect: 'postgres', env });
    const b = await startTestApp({ dialect: 'postgres', env, databaseUrl: a.config.databaseUrl as string });
    try {
      const username = unique('nodes');
      await a.createUser({ username, password });
      const ip = freshIp();
      const on = (node: TestApp, pw: string) =>
        node.request('POST', '/api/auth/login', {
          body: { username, password: pw },
          headers: { 'x-forwarded-for': ip },
        });
      for (let i = 0; i < threshold; i++) assert.equal((await on(i % 2 === 0 ? a : b, wrong)).status, 401);
      assert.equal((await on(a, password)).status, 429);
      assert.equal((await on(b, password)).status, 429);
    } finally {
      await b.stop();
      await a.close();
    }
  });
}
