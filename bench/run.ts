/**
 * `npm run bench [-- --quick] [-- --only=session,login,footprint,directory,peer]`: every case against its baseline
 * in the same run; writes bench/results/latest.json and latest.md. Add a case: a function returning plain figures,
 * one line in `cases` below, one row in report.ts.
 * The directory cases also take `--users=N` (that many users instead of the mode's size), `--import-only` (the
 * import figure alone: no searches, no exports) and `--cli-import` (seed with `gatehouse import FILE` at any size,
 * as the full run does above 100,000), e.g. `npm run bench -- --only=directory --users=100000 --import-only`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { directoryBench } from './cases/directory.ts';
import { footprint } from './cases/footprint.ts';
import { peerBench } from './cases/peer.ts';
import { loginRate, sessionCheck } from './cases/session-login.ts';
import { round } from './lib/load.ts';
import { checkMachine } from './lib/machine.ts';
import { removeDir, repoRoot, spawnGatehouse } from './lib/proc.ts';
import { measuringSteal } from './lib/steal.ts';
import { toMarkdown } from './report.ts';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const usersArg = process.argv.find((a) => a.startsWith('--users='))?.slice(8);
const directory = {
  importOnly: process.argv.includes('--import-only'),
  cliImport: process.argv.includes('--cli-import'),
};
const sizes = {
  ...(quick
    ? { runs: 3, seconds: 3, directoryUsers: 2_000, peerUsers: 2_000, samples: 60 }
    : { runs: 5, seconds: 10, directoryUsers: 1_000_000, peerUsers: 100_000, samples: 300 }),
  ...(usersArg === undefined ? {} : { directoryUsers: Number(usersArg.replaceAll('_', '')) }),
};
if (!Number.isInteger(sizes.directoryUsers) || sizes.directoryUsers < 1)
  throw new Error(`--users=${usersArg}: a whole number of users, at least 1`);
const pgServer = process.env.GATEHOUSE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function withGatehouse<T>(
  env: Record<string, string>,
  fn: (gh: Awaited<ReturnType<typeof spawnGatehouse>>) => Promise<T>,
) {
  const gh = await spawnGatehouse(env);
  try {
    return await fn(gh);
  } finally {
    await gh.stop();
    removeDir(gh.dataDir);
  }
}

async function withPgDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const pg = await import('pg');
  const name = `gh_bench_${Date.now().toString(36)}`;
  const admin = new pg.default.Client({ connectionString: `${pgServer}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await fn(`${pgServer}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const cases: Record<string, () => Promise<unknown>> = {
  session: () => withGatehouse({}, (gh) => sessionCheck(gh, sizes)),
  login: () => withGatehouse({}, (gh) => loginRate(gh, sizes)),
  footprint: () => footprint(sizes.runs),
  directorySqlite: () =>
    withGatehouse({}, (gh) => directoryBench(gh, sizes.directoryUsers, sizes.samples, {}, directory)),
  directoryPostgres: () =>
    withPgDatabase((url) =>
      withGatehouse({ GATEHOUSE_DATABASE_URL: url }, (gh) =>
        directoryBench(gh, sizes.directoryUsers, sizes.samples, { GATEHOUSE_DATABASE_URL: url }, directory),
      ),
    ),
  peer: () => peerBench(sizes),
};

/** Whether this run measures the case (all of them without --only). */
function wanted(name: string): boolean {
  return !only || only.some((o) => name.toLowerCase().startsWith(o.toLowerCase()));
}

const dir = path.join(repoRoot, 'bench', 'results');
// With --only, the other cases keep their last figures (each case records its own date).
const previous =
  only && existsSync(path.join(dir, 'latest.json'))
    ? JSON.parse(readFileSync(path.join(dir, 'latest.json'), 'utf8'))
    : {};
const results: Record<string, unknown> = { ...(previous.results ?? {}) };
const started = Date.now();
for (const [name, run] of Object.entries(cases)) {
  if (!wanted(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const t = Date.now();
  try {
    const machine = checkMachine();
    const { value, stolenPercent } = await measuringSteal(run);
    results[name] = {
      ...(value as object),
      cpuStolenPercent: round(stolenPercent, 1),
      machine,
      measuredAt: new Date().toISOString(),
    };
  } catch (error) {
    results[name] = { error: (error as Error).message.slice(0, 2000) };
  }
  process.stderr.write(`bench: ${name} done in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
}
const report = {
  mode: quick ? 'quick' : 'full',
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  sizes,
  ...(directory.importOnly || directory.cliImport ? { directory } : {}),
  seconds: Math.round((Date.now() - started) / 1000),
  results,
};
writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(dir, 'latest.md'), toMarkdown(report));
process.stdout.write(toMarkdown(report));
// A case that failed is in the report as an error; the run fails too, so no one takes its table for a whole run.
const failed = Object.entries(results).filter(
  ([name, r]) => wanted(name) && r && typeof r === 'object' && 'error' in r,
);
if (failed.length) {
  process.stderr.write(`bench: ${failed.map(([name]) => name).join(', ')} failed (see the report)\n`);
  process.exitCode = 1;
}
