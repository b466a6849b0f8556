/**
 * 3. Directory scale and 4. import/export: N users enter through the import service, on SQLite and on PostgreSQL:
 * up to 100,000 through POST /api/admin/import on the running server, more with `gatehouse import FILE` beside it
 * (the route's 30 s request timeout is too short for a million rows); CSV with pre-hashed passwords. Then q= fuzzy
 * search, first list page, group filter and a deep cursor page, each a median/percentile over many sequential
 * requests; then the streamed export (CSV and JSON).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { hash } from '@node-rs/argon2';
import { buildCli, bundleIsFresh, cliBundle } from '../../scripts/build-server-if-stale.mjs';
import { argon2Params } from '../../src/crypto/passwords.ts';
import { median, percentile, round, timeEach } from '../lib/load.ts';
import { api, benchAdmin, login, repoRoot, type Served } from '../lib/proc.ts';

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

/** Peak resident set size so far (VmHWM) of a live process, in MB. */
function peakRssMb(pid: number | undefined): number {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds (user + system, every thread) a live process has used so far, from /proc/PID/stat (ticks of 1/100 s).
 * Less disturbed than wall time by other processes on a shared machine: the import's own work, not its waits.
 */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    // The fields after the command name (which may hold spaces): utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** `gatehouse import FILE --format json` on the server's database: its report, wall time, CPU time and peak RSS. */
async function cliImport(env: Record<string, string>, file: string) {
  const start = performance.now();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/gatehouse.js'), 'import', file, '--format', 'json'], {
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  // VmHWM only grows: the last reading before exit is the peak (to within 100 ms of allocation).
  let peakMb = 0;
  // CPU time too: its last reading before exit (the exit itself, within 100 ms, is not counted).
  let cpuSeconds = 0;
  const poll = setInterval(() => {
    const mb = peakRssMb(child.pid);
    if (mb > peakMb) peakMb = mb;
    const cpu = cpuSecondsOf(child.pid);
    if (cpu > cpuSeconds) cpuSeconds = cpu;
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`gatehouse import exited ${code}: ${err.slice(0, 500)}`);
  return { seconds, peakMb, cpuSeconds, result: JSON.parse(out) as { created: number; refusedTotal: number } };
}

/**
 * Seeds n users with the CLI import and reports users/s. The baseline is the same command on a CSV of its header
 * alone (process start, migrations check, no rows), measured in this run and taken off the import's time.
 */
export async function cliImportUsers(gh: Served, env: Record<string, string>, n: number) {
  const passwordHash = await hash('imported-password-1', argon2Params);
  const file = path.join(gh.dataDir, 'bench-users.csv');
  const empty = path.join(gh.dataDir, 'bench-empty.csv');
  const out = createWriteStream(file);
  for (const chunk of userCsvRows(n, passwordHash))
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', () => resolve(undefined)));
  out.end();
  await finished(out);
  const header = createWriteStream(empty);
  header.end('username,displayName,email,department,groups,passwordHash\n');
  await finished(header);
  const cliEnv = { GATEHOUSE_DATA_DIR: gh.dataDir, ...env };
  // A stale CLI bundle is rebuilt by the first command: build it now, so the baseline is the start-up alone.
  if (!bundleIsFresh(cliBundle)) await buildCli();
  const baseline = await cliImport(cliEnv, empty);
  const run = await cliImport(cliEnv, file);
  if (run.result.created !== n || run.result.refusedTotal !== 0)
    throw new Error(`import: created ${run.result.created} of ${n}, refused ${run.result.refusedTotal}`);
  const net = Math.max(run.seconds - baseline.seconds, 0.001);
  return {
    via: 'gatehouse import FILE (CLI, same ImportService as POST /api/admin/import)',
    users: n,
    seconds: round(run.seconds),
    startupBaselineSeconds: round(baseline.seconds),
    usersPerSec: round(n / net),
    usersPerSecWithStartup: round(n / run.seconds),
    // The importing process's CPU (the database server's, for PostgreSQL, is not in it), start-up's taken off.
    cpuSeconds: round(run.cpuSeconds),
    cpuMicrosPerUser: round(((run.cpuSeconds - baseline.cpuSeconds) / n) * 1e6, 1),
    peakRssMb: round(run.peakMb),
    target: { usersPerSec: 30_000, peakRssMb: 400 },
  };
}

export async function exportUsers(gh: Served, token: string, n: number, format: 'csv' | 'json' = 'csv') {
  const start = performance.now();
  const r = await fetch(`${gh.url}/api/admin/export?format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let bytes = 0;
  for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 200) throw new Error(`export ${format}: ${r.status}`);
  return { format, bytes, seconds: round(seconds), usersPerSec: round(n / seconds) };
}

/** The median of `runs` exports of n users (plus the bench admin) in one format, each run timed on its own. */
async function medianExport(gh: Served, token: string, n: number, format: 'csv' | 'json', runs = exportRuns) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await exportUsers(gh, token, n + 1, format));
  const rates = all.map((r) => r.usersPerSec ?? 0);
  return { ...all[0], usersPerSec: round(median(rates)), runs: rates };
}

const stats = (ms: number[]) => ({ p50: round(median(ms)), p95: round(percentile(ms, 95)) });

export async function directoryQueries(gh: Served, token: string, n: number, samples: number) {
  // Each a fragment of what userCsvRows writes, and each matches: 1 user in 12 (`ann`, `.hiro@`), 10 (`müll`, `tanak`,
  // `kowal`, `okaf`) or 8 (`engin`, `financ`, `operat`), every user (`example.org`), and 11,111 of 1,000,000
  // (`user12`). Until 2026-12-03 `hiro.` and `ops` stood where `.hiro@` and `operat` are: they match no one (the
  // e-mails are `user7.hiro@…`, the department `Operations`), and two searches in eleven answered from an empty
  // index lookup.
  const fragments = [
    'ann',
    'müll',
    'tanak',
    'engin',
    'financ',
    'example.org',
    'user12',
    '.hiro@',
    'kowal',
    'okaf',
    'operat',
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
  // Sorted by display name: the console's other sortable column, read through its own index.
  const byName = await timeEach(samples, () => get('/api/admin/users?limit=50&sort=displayName').then(() => {}));
  // The console's "Recently signed in": an index on SQLite, an order table kept by triggers on PostgreSQL (0650, 0700).
  const byLastSignIn = await timeEach(samples, () => get('/api/admin/users?limit=50&sort=-lastLoginAt').then(() => {}));
  // A directory sync's "who changed lately", and the few external users among many (migration 0750, both databases).
  const byLastChange = await timeEach(samples, () => get('/api/admin/users?limit=50&sort=-updatedAt').then(() => {}));
  const byType = await timeEach(samples, () => get('/api/admin/users?limit=50&type=external').then(() => {}));
  // "Who are the admins?": one holder (the bench admin) among all (users.candidates.store.ts).
  const byRole = await timeEach(samples, () => get('/api/admin/users?limit=50&role=Admin').then(() => {}));
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
    firstPageByName: stats(byName),
    firstPageByLastSignIn: stats(byLastSignIn),
    firstPageByLastChange: stats(byLastChange),
    byType: stats(byType),
    byRole: stats(byRole),
    byGroup: stats(byGroup),
    deepCursorPage: stats(deep),
    target: { p95Ms: 25 },
  };
}

/** Every export figure is the median of this many runs of each format. */
const exportRuns = 3;

/** Above this many users the import goes through the CLI: the route would outlast the 30 s request timeout. */
const httpImportMax = 100_000;

/** The route on the running server: users/s and the server's peak RSS so far. */
async function httpImportUsers(gh: Served, token: string, n: number) {
  const { result: _result, ...figures } = await importUsers(gh, token, n);
  return {
    via: 'POST /api/admin/import (CSV streamed to the running server)',
    ...figures,
    peakRssMb: round(peakRssMb(gh.child.pid)),
    target: { usersPerSec: 30_000, peakRssMb: 400 },
  };
}

export type DirectoryOptions = {
  /** The import figure alone: no searches, no exports (`--import-only`). */
  importOnly?: boolean;
  /** Seed with `gatehouse import FILE` at any size, not only above httpImportMax (`--cli-import`). */
  cliImport?: boolean;
};

/** `env` is the server's database setting (GATEHOUSE_DATABASE_URL for PostgreSQL), for the CLI import. */
export async function directoryBench(
  gh: Served,
  n: number,
  samples: number,
  env: Record<string, string> = {},
  options: DirectoryOptions = {},
) {
  const token = await login(gh.url, benchAdmin.username, benchAdmin.password);
  const imported =
    options.cliImport || n > httpImportMax ? await cliImportUsers(gh, env, n) : await httpImportUsers(gh, token, n);
  if (options.importOnly)
    return { seeding: `${imported.via}, CSV with pre-hashed argon2id passwords`, import: imported, importOnly: true };
  const queries = await directoryQueries(gh, token, n, samples);
  const csv = await medianExport(gh, token, n, 'csv');
  const json = await medianExport(gh, token, n, 'json');
  return {
    seeding: `${imported.via}, CSV with pre-hashed argon2id passwords`,
    import: imported,
    export: { ...csv, usersPerSec: Math.min(csv.usersPerSec ?? 0, json.usersPerSec ?? 0), csv, json },
    serverPeakRssMb: round(peakRssMb(gh.child.pid)),
    queries,
  };
}
