/**
 * 3. Directory scale and 4. import/export: N users enter through the real import route (POST /api/admin/import,
 * CSV streamed, pre-hashed passwords), on SQLite and on PostgreSQL; then q= fuzzy search, first list page, group
 * filter and a deep cursor page, each a median/percentile over many sequential requests.
 */
import { Readable } from 'node:stream';
import { hash } from '@node-rs/argon2';
import { argon2Params } from '../../src/crypto/passwords.ts';
import { median, percentile, round, timeEach } from '../lib/load.ts';
import { api, benchAdmin, login, type Served } from '../lib/proc.ts';

const first = [
  'Anna',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Keiko',
  'Lars',
];
const last = ['Müller', 'Rossi', 'Novak', 'Garcia', 'Okafor', 'Tanaka', 'Smith', 'Dubois', 'Kowalski', 'Silva'];
const departments = ['Engineering', 'Finance', 'Marketing', 'Operations', 'Research', 'Support', 'Legal', 'Sales'];

export function userCsvRows(n: number, passwordHash: string): Generator<string> {
  return (function* () {
    yield 'username,displayName,email,department,groups,passwordHash\n';
    let batch = '';
    for (let i = 0; i < n; i++) {
      const f = first[i % first.length];
      const l = last[Math.floor(i / first.length) % last.length];
      const d = departments[i % departments.length];
      batch += `user${i},${f} ${l} ${i},user${i}.${f?.toLowerCase()}@example.org,${d},team-${i % 20},"${passwordHash}"\n`;
      if (i % 5000 === 4999) {
        yield batch;
        batch = '';
      }
    }
    if (batch) yield batch;
  })();
}

export async function importUsers(gh: Served, token: string, n: number) {
  const passwordHash = await hash('imported-password-1', argon2Params);
  const start = performance.now();
  const r = await fetch(`${gh.url}/api/admin/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: Readable.from(userCsvRows(n, passwordHash)),
    duplex: 'half',
  } as unknown as RequestInit);
  const body = await r.text();
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 200) throw new Error(`import: ${r.status} ${body.slice(0, 500)}`);
  return { users: n, seconds: round(seconds), usersPerSec: round(n / seconds), result: JSON.parse(body) };
}

export async function exportUsers(gh: Served, token: string, n: number) {
  const start = performance.now();
  const r = await fetch(`${gh.url}/api/admin/export?format=csv`, { headers: { authorization: `Bearer ${token}` } });
  let bytes = 0;
  for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const seconds = (performance.now() - start) / 1000;
  return { status: r.status, bytes, seconds: round(seconds), usersPerSec: round(n / seconds) };
}

const stats = (ms: number[]) => ({ p50: round(median(ms)), p95: round(percentile(ms, 95)) });

export async function directoryQueries(gh: Served, token: string, n: number, samples: number) {
  const fragments = [
    'ann',
    'müll',
    'tanak',
    'engin',
    'financ',
    'example.org',
    'user12',
    'hiro.',
    'kowal',
    'okaf',
    'ops',
  ];
  const get = async (path: string) => {
    const r = await api(gh.url, 'GET', path, token);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body as { items: { id: string }[]; nextCursor: string | null };
  };
  const groups = (await get('/api/admin/groups?limit=5')) as unknown as { items: { id: string }[] };
  const groupId = groups.items[0]?.id ?? '';
  const search = await timeEach(samples, (i) =>
    get(`/api/admin/users?q=${encodeURIComponent(fragments[i % fragments.length] as string)}&limit=50`).then(() => {}),
  );
  const firstPage = await timeEach(samples, () => get('/api/admin/users?limit=50').then(() => {}));
  const byGroup = await timeEach(samples, () => get(`/api/admin/users?group=${groupId}&limit=50`).then(() => {}));
  // Walk 20 pages in, then time the deep page itself.
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++)
    cursor = (await get(`/api/admin/users?limit=50${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
  const deep = await timeEach(samples, () => get(`/api/admin/users?limit=50&cursor=${cursor}`).then(() => {}));
  return {
    users: n,
    search: stats(search),
    firstPage: stats(firstPage),
    byGroup: stats(byGroup),
    deepCursorPage: stats(deep),
    target: { p95Ms: 25 },
  };
}

export async function directoryBench(gh: Served, n: number, samples: number) {
  const token = await login(gh.url, benchAdmin.username, benchAdmin.password);
  const imported = await importUsers(gh, token, n);
  const queries = await directoryQueries(gh, token, n, samples);
  const exported = await exportUsers(gh, token, n);
  const { result: _result, ...importFigures } = imported;
  return {
    seeding: 'POST /api/admin/import (CSV, pre-hashed argon2id passwords)',
    import: importFigures,
    export: exported,
    queries,
  };
}
