#!/usr/bin/env node
/**
 * `npm test`: lint, typecheck, then every test file under test/ with node's test runner (via tsx).
 * Node 20 neither expands globs nor finds files in a directory, and a run given none passes with zero tests,
 * so the files are listed here and a run that executed no test fails.
 * `npm test -- test/features/users.test.ts` runs only the named files (no lint or typecheck).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function findTests(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return findTests(full);
      return name.endsWith('.test.ts') ? [full] : [];
    })
    .sort();
}

function step(label, command, args) {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(command, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`${label} failed\n0 passed, 1 failed\n`);
    process.exit(r.status ?? 1);
  }
}

const requested = process.argv.slice(2);
const files = requested.length > 0 ? requested : findTests('test');
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
if (requested.length === 0) {
  step('lint (biome)', 'npx', ['biome', 'check', '--diagnostic-level=error', '.']);
  step('typecheck (tsc)', 'npx', ['tsc', '--noEmit', '-p', '.']);
}

const concurrency = process.env.GATEHOUSE_TEST_CONCURRENCY ?? '3';
process.stdout.write(`\n== ${files.length} test files, ${concurrency} at a time\n`);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);
// A file that hangs (a `before` hook waiting on a service that died was seen to hold the run ~10 minutes) must
// fail the run, not use up CI's 90 minutes: the whole suite takes ~5 minutes here.
const watchdogMinutes = Number(process.env.GATEHOUSE_TEST_WATCHDOG_MINUTES ?? 30);
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.error(`the test run passed ${watchdogMinutes} minutes: stopping it as failed`);
  child.kill('SIGKILL');
}, watchdogMinutes * 60_000);
watchdog.unref();
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail += chunk.toString();
});
child.on('close', (code) => {
  clearTimeout(watchdog);
  if (timedOut) {
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
  const count = (name) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(tail)?.[1] ?? 'NaN');
  const tests = count('tests');
  const passed = count('pass');
  const failed = count('fail');
  if (!Number.isFinite(tests) || tests === 0) {
    console.error('the test runner executed no test: failing the run');
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
