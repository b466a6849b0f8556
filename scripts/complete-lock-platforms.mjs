// Adds the lockfile entries for other platforms' native packages that this machine's npm mirror does not serve.
// npm 11 `npm ci` refuses a lockfile that lacks any package named in an optionalDependencies map, while
// `npm install` here cannot write them (the mirror answers 404). The entries carry the platform fields npm
// reads to skip a package that does not fit the machine, so they are never fetched. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const tail = name.split('/').pop();
  const os = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32'].find((o) =>
    tail.includes(`-${o}-`),
  );
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'].find((c) =>
    new RegExp(`-${c}(-|$)`).test(tail),
  );
  if (!os || !cpu) return undefined;
  const libc = tail.includes('-musl') || tail.includes('musleabihf') ? 'musl' : os === 'linux' ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (packages[at]) continue;
    const platform = platformOf(dep);
    if (!platform) throw new Error(`cannot tell the platform of ${dep} (optional dependency of ${path})`);
    const version = range.replace(/^[\^~=]/, '');
    packages[at] = {
      version,
      cpu: [platform.cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: [platform.libc] } : {}),
      license: entry.license,
      optional: true,
      os: [platform.os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
