/**
 * Mixed traffic at saturation against a real process (CI: 30 s; full: 5 minutes): sign-ins, session checks,
 * searches, creates and deletes from 24 concurrent clients. No error but intended 429s, memory flat (the RSS
 * trend after warm-up), p99 reported.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { percentile } from '../../bench/lib/load.ts';
import { api, benchAdmin, login, removeDir, type Served, spawnGatehouse } from '../../bench/lib/proc.ts';
import { recordFigures, size } from './support.ts';

const seconds = size('LOAD_SECONDS', 30, 300);

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

describe('robustness: mixed load against a real process', () => {
  let gh: Served;
  before(async () => {
    gh = await spawnGatehouse();
  });
  after(async () => {
    await gh?.stop();
    if (gh) removeDir(gh.dataDir);
  });

  test(`${seconds} s of mixed traffic: no unintended errors, memory flat`, async () => {
    const admin = await login(gh.url, benchAdmin.username, benchAdmin.password);
    const people = Array.from({ length: 12 }, (_, i) => ({ username: `load-${i}`, password: `Load-password-${i}-x` }));
    for (const p of people) assert.equal((await api(gh.url, 'POST', '/api/admin/users', admin, p)).status, 201);
    const sessions = await Promise.all(people.map((p) => login(gh.url, p.username, p.password)));
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const unexpected: string[] = [];
    const rss: [number, number][] = [];
    const start = performance.now();
    const until = start + seconds * 1000;
    const sampler = setInterval(() => rss.push([(performance.now() - start) / 1000, gh.rssMb()]), 1000);
    const timed = async (label: string, fn: () => Promise<{ status: number }>, ok: number[]) => {
      const t = performance.now();
      const r = await fn().catch((e: Error) => ({ status: 0, error: e.message }));
      latencies.push(performance.now() - t);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (!ok.includes(r.status) && r.status !== 429 && unexpected.length < 20)
        unexpected.push(`${label} → ${r.status}`);
      return r;
    };
    const worker = async (w: number) => {
      for (let i = 0; performance.now() < until; i++) {
        const p = people[(w + i) % people.length] as (typeof people)[number];
        const token = sessions[(w + i) % sessions.length] as string;
        switch (i % 6) {
          case 0:
            await timed('login', () => api(gh.url, 'POST', '/api/auth/login', '', p), [200]);
            break;
          case 1:
          case 2:
            await timed('me', () => api(gh.url, 'GET', '/api/me', token), [200]);
            break;
          case 3:
            await timed('search', () => api(gh.url, 'GET', '/api/admin/users?q=load&limit=20', admin), [200]);
            break;
          default: {
            const username = `tmp-${randomBytes(5).toString('hex')}`;
            const r = (await timed(
              'create',
              () => api(gh.url, 'POST', '/api/admin/users', admin, { username }),
              [201],
            )) as {
              body?: { id?: string };
            };
            const id = r.body?.id;
            if (id) await timed('delete', () => api(gh.url, 'DELETE', `/api/admin/users/${id}`, admin), [200, 204]);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, (_, w) => worker(w)));
    clearInterval(sampler);
    const warm = rss.filter(([t]) => t >= seconds / 3);
    const mbPerMinute = slope(warm) * 60;
    const total = latencies.length;
    const figures = {
      seconds,
      requests: total,
      perSecond: Math.round(total / seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      statuses,
      rssStartMb: warm[0]?.[1],
      rssEndMb: warm.at(-1)?.[1],
      rssSlopeMbPerMinute: mbPerMinute,
    };
    recordFigures('load', figures);
    assert.deepEqual(unexpected, []);
    // Flat: less than 20 MB per minute of trend after warm-up (a leak of a few KB per request shows far above that).
    assert.ok(mbPerMinute < 20, `RSS grows ${mbPerMinute.toFixed(1)} MB/min`);
  });
});
