// `prestart`: builds the console when console/dist is missing or older than any of its sources, else does nothing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const consoleDir = join(root, 'console');
const builtIndex = join(consoleDir, 'dist/index.html');
const sources = [join(consoleDir, 'src'), join(consoleDir, 'index.html'), join(consoleDir, 'vite.config.ts')];

/** Newest modification time under a file or directory, in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

function isFresh() {
  const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
  return builtAt >= Math.max(...sources.filter(existsSync).map(newest));
}

/** Test files run in parallel and each may ask for a build: one builds, the others wait for it (mkdir is atomic). */
function withLock(work) {
  const lock = join(
    tmpdir(),
    `gatehouse-console-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`,
  );
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left behind by a killed build is stale after two minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (isFresh()) process.exit(0);
const status = withLock(() => {
  if (isFresh()) return 0;
  console.log(existsSync(builtIndex) ? 'console sources changed: rebuilding console/dist' : 'building the console');
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(consoleDir, 'vite.config.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  return result.status ?? 1;
});
process.exit(status);
