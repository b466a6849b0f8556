/**
 * The peer's packages (Better Auth and its SQLite driver) live in bench/'s own package.json, apart from the
 * product's dependencies, so `npm ci` at the root does not install them. The peer case installs them itself, with
 * bench/package-lock.json, when they are missing or older than that lock: `npm run bench` works on a fresh clone
 * without a second command (the first run pays the install, ~1.5 min with better-sqlite3's compile; nothing is
 * measured meanwhile). Only the peer case calls this, so `--only=session` never waits for it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './proc.ts';

const benchDir = path.join(repoRoot, 'bench');
/** npm writes this hidden lockfile at the end of every install into node_modules. */
const installedLock = path.join(benchDir, 'node_modules', '.package-lock.json');
const lock = path.join(benchDir, 'package-lock.json');

function peerPackagesInstalled(): boolean {
  return existsSync(installedLock) && statSync(installedLock).mtimeMs >= statSync(lock).mtimeMs;
}

export function installPeerPackages(): void {
  if (peerPackagesInstalled()) return;
  process.stderr.write('bench: installing the peer packages (npm ci in bench/)…\n');
  const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: benchDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`npm ci in bench/ exited ${run.status ?? run.signal}`);
}
