/**
 * Several nodes: two Gatehouse processes on one PostgreSQL database and one Redis. A session revoked, a user
 * disabled or an API key deleted through node A is refused by node B within 1 second (ASVS 7.4.1), and the
 * brute-force counters are shared, so spreading guesses over nodes does not multiply them (ASVS 6.3.1).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { api, benchAdmin, login, removeDir, type Served, spawnGatehouse } from '../../bench/lib/proc.ts';
import { testPgServer } from '../harness.ts';
import { forgetLoopbackCounters } from '../support/redis-counters.ts';
import { recordFigures } from './support.ts';

const dbName = `gh_nodes_${randomBytes(5).toString('hex')}`;
const figures: Record<string, number> = {};

/** Milliseconds until `path` with `token` stops answering 200 on `node` (polled every 25 ms, up to 5 s). */
async function refusedAfter(node: Served, path: string, token: string): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 5_000) {
    const r = await api(node.url, 'GET', path, token);
    if (r.status === 401 || r.status === 403) return performance.now() - start;
    await new Promise((res) => setTimeout(res, 25));
  }
  return Number.POSITIVE_INFINITY;
}

describe('robustness: two nodes on one PostgreSQL and Redis', () => {
  let a: Served;
  let b: Served;
  let admin: string;
  const server = new URL(testPgServer);

  before(async () => {
    // Both nodes see the test client as 127.0.0.1: start from a clean address counter (test/support/redis-counters.ts).
    await forgetLoopbackCounters();
    const c = new pg.Client({ connectionString: testPgServer });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const url = new URL(testPgServer);
    url.pathname = `/${dbName}`;
    const env = { GATEHOUSE_DATABASE_URL: url.toString(), GATEHOUSE_REDIS_URL: 'redis://127.0.0.1:6379' };
    a = await spawnGatehouse(env);
    b = await spawnGatehouse(env);
    admin = await login(a.url, benchAdmin.username, benchAdmin.password);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    if (a) removeDir(a.dataDir);
    if (b) removeDir(b.dataDir);
    const c = new pg.Client({ connectionString: server.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
    await recordFigures('nodes', figures);
    await forgetLoopbackCounters();
  });

  async function member(prefix: string): Promise<{ id: string; token: string }> {
    const username = `${prefix}-${randomBytes(3).toString('hex')}`;
    const password = `Pw-${randomBytes(8).toString('hex')}`;
    const r = await api(a.url, 'POST', '/api/admin/users', admin, { username, password });
    assert.equal(r.status, 201);
    const token = await login(a.url, username, password);
    assert.equal((await api(b.url, 'GET', '/api/me', token)).status, 200, 'node B accepts the session first');
    return { id: (r.body as { id: string }).id, token };
  }

  test('ASVS 7.4.1: a session signed out on node A is refused by node B within 1 s', async () => {
    const { token } = await member('revoke');
    const r = await api(a.url, 'POST', '/api/auth/logout', token);
    assert.ok(r.status < 300, `logout ${r.status}`);
    figures.sessionRevokedMs = await refusedAfter(b, '/api/me', token);
    assert.ok(figures.sessionRevokedMs <= 1_000, `${figures.sessionRevokedMs} ms`);
  });

  test('ASVS 7.4.2: a user disabled on node A is refused by node B within 1 s', async () => {
    const { id, token } = await member('disable');
    assert.equal((await api(a.url, 'POST', `/api/admin/users/${id}/disable`, admin)).status, 200);
    figures.userDisabledMs = await refusedAfter(b, '/api/me', token);
    assert.ok(figures.userDisabledMs <= 1_000, `${figures.userDisabledMs} ms`);
  });

  test('an API key deleted on node A is refused by node B within 1 s', async () => {
    const { token } = await member('apikey');
    const created = await api(a.url, 'POST', '/api/me/api-keys', token, { name: 'nodes test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const key = created.body as { id: string; secret: string };
    assert.equal((await api(b.url, 'GET', '/api/me', key.secret)).status, 200);
    assert.ok((await api(a.url, 'DELETE', `/api/me/api-keys/${key.id}`, token)).status < 300);
    figures.apiKeyDeletedMs = await refusedAfter(b, '/api/me', key.secret);
    assert.ok(figures.apiKeyDeletedMs <= 1_000, `${figures.apiKeyDeletedMs} ms`);
  });

  test('ASVS 6.3.1: failed sign-ins spread over both nodes lock the account on both', async () => {
    const username = `lock-${randomBytes(3).toString('hex')}`;
    const password = `Pw-${randomBytes(8).toString('hex')}`;
    assert.equal((await api(a.url, 'POST', '/api/admin/users', admin, { username, password })).status, 201);
    const attempt = (node: Served, pw: string) =>
      fetch(`${node.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: pw }),
      }).then((r) => r.status);
    let statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await attempt(i % 2 ? b : a, 'wrong-password'));
    statuses = [await attempt(a, password), await attempt(b, password)];
    figures.lockoutSharedRightPasswordStatuses = statuses[1] as number;
    assert.deepEqual(statuses, [429, 429], 'locked on both nodes after guesses spread over both');
  });
});
