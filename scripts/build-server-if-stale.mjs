// `prestart`: bundles the server (src/main.ts) into dist/server/main.js when the bundle is missing or older than
// any source, else does nothing. Node then starts plain JavaScript: no TypeScript loader, no transform at start
// (docs/decisions/0002). The `gatehouse` command does the same for src/cli/main.ts (bin/gatehouse.js); tests still
// run src/ through tsx.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const serverBundle = join(root, 'dist/server/main.js');
export const cliBundle = join(root, 'dist/cli/main.js');
const sources = [join(root, 'src'), join(root, 'package.json'), join(root, 'package-lock.json')];

/** Newest modification time under a file or directory, in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

export function bundleIsFresh(bundle) {
  const builtAt = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  return builtAt >= Math.max(...sources.filter(existsSync).map(newest));
}

export const serverBundleIsFresh = () => bundleIsFresh(serverBundle);
export const buildServer = () => bundle(join(root, 'src/main.ts'), serverBundle);
export const buildCli = () => bundle(join(root, 'src/cli/main.ts'), cliBundle);

/**
 * Writes the bundle under a temporary name and renames it into place: several processes may build at once (test
 * files each run the CLI), and a rename is atomic, so none ever loads a half-written file.
 */
async function bundle(entry, outfile) {
  const result = await build({
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies are bundled too: resolving and loading hundreds of files from node_modules was most of the
    // start-up. Left outside: native addons, and packages that read files next to their own code at run time.
    external: [
      'better-sqlite3',
      '@node-rs/argon2',
      '@fastify/swagger-ui',
      'pino',
      'thread-stream',
      'pg-native',
      'esbuild',
      'vite',
      'tsx',
    ],
    // CommonJS dependencies call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __gatehouseRequire } from 'node:module'; const require = __gatehouseRequire(import.meta.url);",
    },
    sourcemap: true,
    logLevel: 'warning',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  // The map first: a process that sees the new bundle finds its map in place.
  for (const file of [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1))) {
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && !serverBundleIsFresh()) {
  console.log(existsSync(serverBundle) ? 'server sources changed: rebuilding dist/server' : 'building the server');
  await buildServer();
}
