/**
 * Security probes at scale against a real process: sign-in timing must not tell a known login from an unknown one
 * (ASVS 6.3.8: p95 gap over many samples), and canary secrets sent through the API never appear in any log line
 * of the process or in any audit event (ASVS 16.2.5).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { percentile } from '../../bench/lib/load.ts';
import { api, benchAdmin, login, removeDir, type Served, spawnGatehouse } from '../../bench/lib/proc.ts';
import { recordFigures, size } from './support.ts';

const samples = size('TIMING_SAMPLES', 60, 1_000);
const canary = `CANARY${randomBytes(8).toString('hex')}`;

describe('robustness: security probes against a real process', () => {
  let gh: Served;
  let admin: string;
  before(async () => {
    // Each probe comes from its own forwarded address, so the per-address brute-force limit is not what is measured.
    gh = await spawnGatehouse({ GATEHOUSE_TRUST_PROXY: '127.0.0.1', GATEHOUSE_LOG_LEVEL: 'info' });
    admin = await login(gh.url, benchAdmin.username, benchAdmin.password);
  });
  after(async () => {
    await gh?.stop();
    if (gh) removeDir(gh.dataDir);
  });

  const attempt = async (username: string, password: string, i: number) => {
    const start = performance.now();
    const r = await fetch(`${gh.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
      body: JSON.stringify({ username, password }),
    });
    await r.arrayBuffer();
    return { ms: performance.now() - start, status: r.status };
  };

  test(`ASVS 6.3.8: known vs unknown login timing over ${samples} samples each`, async () => {
    const known: string[] = [];
    for (let i = 0; i < samples; i++) {
      const username = `known-${i}-${randomBytes(2).toString('hex')}`;
      const r = await api(gh.url, 'POST', '/api/admin/users', admin, { username, password: `Right-${canary}-${i}` });
      assert.equal(r.status, 201);
      known.push(username);
    }
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      // Interleaved, so machine noise hits both series alike.
      const k = await attempt(known[i] as string, `wrong-${canary}`, 2 * i);
      const u = await attempt(`nobody-${randomBytes(4).toString('hex')}`, `wrong-${canary}`, 2 * i + 1);
      assert.equal(k.status, 401);
      assert.equal(u.status, 401);
      knownMs.push(k.ms);
      unknownMs.push(u.ms);
    }
    const p95Known = percentile(knownMs, 95);
    const p95Unknown = percentile(unknownMs, 95);
    const p50Known = percentile(knownMs, 50);
    const p50Unknown = percentile(unknownMs, 50);
    const gap = Math.abs(p95Known - p95Unknown);
    recordFigures('enumerationTiming', { samples, p50Known, p50Unknown, p95Known, p95Unknown, p95GapMs: gap });
    // The median gap is what an attacker averages out; a skipped dummy hash would make it a whole hash time (100%).
    assert.ok(
      Math.abs(p50Known - p50Unknown) < Math.max(10, p50Known * 0.5),
      `median gap ${p50Known} vs ${p50Unknown}`,
    );
  });

  test('ASVS 16.2.5: canary secrets never reach a log line or an audit event', async () => {
    const username = `canary-${randomBytes(3).toString('hex')}`;
    const created = await api(gh.url, 'POST', '/api/admin/users', admin, { username, password: `Pw-${canary}-1` });
    assert.equal(created.status, 201);
    const id = (created.body as { id: string }).id;
    await api(gh.url, 'POST', `/api/admin/users/${id}/password`, admin, { password: `Pw-${canary}-2` });
    const token = await login(gh.url, username, `Pw-${canary}-2`);
    await api(gh.url, 'POST', '/api/me/password', token, {
      currentPassword: `Pw-${canary}-2`,
      newPassword: `Pw-${canary}-3`,
    });
    const key = await api(gh.url, 'POST', '/api/me/api-keys', admin, { name: 'canary key' });
    const secret = (key.body as { secret?: string }).secret ?? '';
    const sessionPart = token.slice(-20);
    await api(gh.url, 'GET', '/api/me', `${token}x`);
    await api(gh.url, 'GET', '/api/me', secret);
    const events = await api(gh.url, 'GET', '/api/admin/events?limit=200', admin);
    assert.equal(events.status, 200);
    await new Promise((r) => setTimeout(r, 200));
    const needles = [canary, sessionPart, secret.slice(-20)].filter((n) => n.length >= 16);
    const leakedLogs = gh.output.filter((line) => needles.some((n) => line.includes(n)));
    const eventText = JSON.stringify(events.body);
    const leakedEvents = needles.filter((n) => eventText.includes(n));
    recordFigures('canaries', {
      logLines: gh.output.length,
      leakedLogLines: leakedLogs.length,
      leakedInEvents: leakedEvents.length,
    });
    assert.ok(gh.output.length > 0, 'the process logged something (the grep looked at real output)');
    assert.deepEqual(leakedLogs, []);
    assert.deepEqual(leakedEvents, []);
  });
});
