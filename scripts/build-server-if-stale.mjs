// `prestart`: bundles the server (src/main.ts) into dist/server/main.js when the bundle is missing or older than
// any source, else does nothing. Node then starts plain JavaScript: no TypeScript loader, no transform at start
// (docs/decisions/0002). Tests and the CLI still run src/ through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const serverBundle = join(root, 'dist/server/main.js');
const sources = [join(root, 'src'), join(root, 'package.json'), join(root, 'package-lock.json')];

/** Newest modification time under a file or directory, in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

export function serverBundleIsFresh() {
  const builtAt = existsSync(serverBundle) ? statSync(serverBundle).mtimeMs : 0;
  return builtAt >= Math.max(...sources.filter(existsSync).map(newest));
}

export async function buildServer() {
  await build({
    entryPoints: [join(root, 'src/main.ts')],
    outfile: serverBundle,
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
}

if (process.argv[1] === fileURLToPath(import.meta.url) && !serverBundleIsFresh()) {
  console.log(existsSync(serverBundle) ? 'server sources changed: rebuilding dist/server' : 'building the server');
  await buildServer();
}
