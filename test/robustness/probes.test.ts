/**
 * Security probes at scale against a real process. Timing must not tell a known login from an unknown one, at
 * sign-in or at "forgot password" (ASVS 6.3.8, authentik CVE-2023-39522: p95 gap over 1,000 samples each at full
 * size), and canary secrets sent through the API never appear in any log line or audit event (ASVS 16.2.5).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { hash } from '@node-rs/argon2';
import { percentile } from '../../bench/lib/load.ts';
import { login } from '../../bench/lib/proc.ts';
import { argon2Params } from '../../src/crypto/passwords.ts';
import { Canaries } from './canaries.ts';
import { type Rig, startRig } from './rig.ts';
import { recordFigures, size } from './support.ts';

const samples = size('TIMING_SAMPLES', 150, 1_000);
const canary = `CANARY${randomBytes(8).toString('hex')}`;

/**
 * The gaps allowed between the known and the unknown series. At the median: a quarter of the known median. The
 * leak this guards against is a skipped dummy argon2 verification, which makes the unknown series faster by a
 * whole hash, most of its median (the hash is 20-25 ms of a ~30 ms sign-in here; with the dummy verification
 * removed in a scratch copy the medians were 36 vs 6 ms). At p95: half the larger p95. The tail belongs to the
 * machine more than to the code: with other suites running alongside, p95 moved by up to 26% between two series
 * of the very same code path, while a skipped hash moves it by ~80% (96 vs 21 ms). 2 ms floors absorb timer
 * jitter when requests are fast.
 */
function allowedGaps(s: Series): { p50: number; p95: number } {
  return { p50: Math.max(2, s.p50Known * 0.25), p95: Math.max(2, Math.max(s.p95Known, s.p95Unknown) * 0.5) };
}

type Series = { p50Known: number; p50Unknown: number; p95Known: number; p95Unknown: number; p95GapMs: number };

/** Times `known(i)` and `unknown(i)` interleaved, alternating which goes first, so noise hits both alike. */
async function compare(known: (i: number) => Promise<number>, unknown: (i: number) => Promise<number>) {
  const knownMs: number[] = [];
  const unknownMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i % 2 === 0) {
      knownMs.push(await known(i));
      unknownMs.push(await unknown(i));
    } else {
      unknownMs.push(await unknown(i));
      knownMs.push(await known(i));
    }
  }
  const s: Series = {
    p50Known: percentile(knownMs, 50),
    p50Unknown: percentile(unknownMs, 50),
    p95Known: percentile(knownMs, 95),
    p95Unknown: percentile(unknownMs, 95),
    p95GapMs: 0,
  };
  s.p95GapMs = Math.abs(s.p95Known - s.p95Unknown);
  return s;
}

function assertBounded(label: string, s: Series): void {
  const bound = allowedGaps(s);
  const p50Gap = Math.abs(s.p50Known - s.p50Unknown);
  assert.ok(p50Gap < bound.p50, `${label}: median ${s.p50Known.toFixed(1)} vs ${s.p50Unknown.toFixed(1)} ms`);
  assert.ok(s.p95GapMs < bound.p95, `${label}: p95 ${s.p95Known.toFixed(1)} vs ${s.p95Unknown.toFixed(1)} ms`);
}

describe('robustness: security probes against a real process', () => {
  let rig: Rig;
  const known: string[] = [];
  const canaries = new Canaries();
  before(async () => {
    // Each probe comes from its own forwarded address, so the per-address brute-force limit is not what is measured.
    rig = await startRig('sqlite', { GATEHOUSE_TRUST_PROXY: '127.0.0.1', GATEHOUSE_LOG_LEVEL: 'info' });
    // The known accounts arrive by import with a hash of the service's own parameters: one hash, not `samples`.
    const password = `Right-${canary}`;
    canaries.add('password', password);
    const passwordHash = await hash(password, argon2Params);
    const prefix = `known${randomBytes(2).toString('hex')}`;
    let csv = 'username,email,passwordHash\n';
    for (let i = 0; i < samples; i++) {
      known.push(`${prefix}${i}`);
      csv += `${prefix}${i},${prefix}${i}@example.test,"${passwordHash}"\n`;
    }
    const r = await fetch(`${rig.gh.url}/api/admin/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.admin}`, 'content-type': 'text/csv' },
      body: csv,
    });
    assert.equal(r.status, 200, await r.text());
  });
  after(async () => {
    await rig?.stop();
  });

  /** One request from its own forwarded address; answers its duration after checking the status. */
  const timed = async (path: string, body: unknown, i: number, status: number): Promise<number> => {
    const start = performance.now();
    const r = await fetch(`${rig.gh.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` },
      body: JSON.stringify(body),
    });
    await r.arrayBuffer();
    const ms = performance.now() - start;
    assert.equal(r.status, status, `${path} ${JSON.stringify(body)}`);
    return ms;
  };
  const nobody = () => `nobody${randomBytes(5).toString('hex')}`;
  const wrong = `wrong-${canary}`;

  test(`ASVS 6.3.8 (authentik CVE-2023-39522): known vs unknown sign-in timing over ${samples} samples each`, async () => {
    const s = await compare(
      (i) => timed('/api/auth/login', { username: known[i], password: wrong }, 4 * i, 401),
      (i) => timed('/api/auth/login', { username: nobody(), password: wrong }, 4 * i + 1, 401),
    );
    await recordFigures('enumerationTiming.login', { samples, ...s, allowedGapsMs: allowedGaps(s) });
    assertBounded('sign-in', s);
  });

  test(`ASVS 6.3.8: known vs unknown "forgot password" timing over ${samples} samples each`, async () => {
    const s = await compare(
      (i) => timed('/api/auth/password/forgot', { login: `${known[i]}@example.test` }, 4 * i + 2, 202),
      (i) => timed('/api/auth/password/forgot', { login: `${nobody()}@example.test` }, 4 * i + 3, 202),
    );
    await recordFigures('enumerationTiming.forgotPassword', { samples, ...s, allowedGapsMs: allowedGaps(s) });
    assertBounded('forgot password', s);
  });

  test('ASVS 16.2.5: canary secrets never reach a log line or an audit event', async () => {
    const pw = (n: number) => {
      const value = `Pw-${canary}-${n}`;
      canaries.add('password', value);
      return value;
    };
    const username = `canary-${randomBytes(3).toString('hex')}`;
    const created = await rig.call('POST', '/api/admin/users', rig.admin, { username, password: pw(1) });
    assert.equal(created.status, 201);
    const id = (created.body as { id: string }).id;
    await rig.call('POST', `/api/admin/users/${id}/password`, rig.admin, { password: pw(2) });
    const token = await login(rig.gh.url, username, pw(2));
    canaries.add('session token', token);
    await rig.call('POST', '/api/me/password', token, { currentPassword: pw(2), newPassword: pw(3) });
    await rig.call('POST', '/api/auth/login', '', { username, password: pw(4) });
    const key = await rig.call('POST', '/api/me/api-keys', rig.admin, { name: 'canary key' });
    const secret = (key.body as { secret?: string }).secret;
    canaries.add('API key', secret);
    await rig.call('GET', '/api/me', `${token}x`);
    await rig.call('GET', '/api/me', secret ?? '');
    canaries.add('marker', canary);
    await new Promise((r) => setTimeout(r, 200));
    const lines = rig.gh.output.map((text, i) => ({ name: `log line ${i + 1}`, text }));
    const events = (await rig.events()).map((row, i) => ({ name: `event ${i + 1}`, text: JSON.stringify(row) }));
    const leaks = [...new Set(canaries.find([...lines, ...events]))];
    await recordFigures('canaries.probes', { logLines: lines.length, auditEvents: events.length, leaks: leaks.length });
    assert.ok(lines.length > 0 && events.length > samples, 'the search read real output and the whole audit trail');
    assert.deepEqual(leaks.slice(0, 20), []);
  });
});
