/**
 * Serves the built console (console/dist): hashed assets under /assets/ with a year-long immutable cache, and
 * index.html (never cached) for every page path of the single-page app. /api, /scim, /healthz, /readyz and
 * /metrics are never answered with the app: only the paths in `pagePaths` fall back to it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export type ConsolePluginOptions = {
  /** Directory of the Vite build; defaults to console/dist at the repository root. */
  distDir?: string;
  /** Handed to every feature plugin; the console needs none of them. */
  services?: unknown;
};

/** The repository root: the nearest folder above this module with a package.json (from src/ or the bundle). */
function packageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

export const defaultDistDir = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'console', 'dist');

/** Client-side routes of the SPA; each also matches its sub-paths. */
export const pagePaths = [
  '/admin',
  '/account',
  '/register',
  '/forgot-password',
  '/reset-password',
  '/verify-email',
  '/invitations',
  '/invite',
] as const;

// Mantine sets inline style attributes, hence 'unsafe-inline' for styles only; scripts come from /assets alone.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const missingBuildPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The console is not built yet</h1>
<p>Run <code>npm run build:console</code> (or restart with <code>npm start</code>, which builds it) and reload.</p>
<p>The API is available under <a href="/api/docs">/api/docs</a>.</p></body></html>`;

function pageHeaders(reply: FastifyReply): FastifyReply {
  return (
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', contentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      // Reset and invitation pages carry a token in their URL: never leak it to another origin (ASVS 3.7.2).
      .header('referrer-policy', 'no-referrer')
  );
}

export const consoleRoutes: FastifyPluginAsyncZod<ConsolePluginOptions> = async (app, options) => {
  const distDir = options.distDir ?? defaultDistDir;
  const indexFile = join(distDir, 'index.html');
  const built = existsSync(indexFile);
  if (!built) app.log.warn({ distDir }, 'console build missing: run `npm run build:console`; pages answer 503');

  // Every route of this plugin is public: the app shell carries no data, the API behind it checks each call.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), access: 'public' } as typeof route.config;
  });

  if (built) {
    await app.register(fastifyStatic, {
      root: join(distDir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      // File names carry a content hash: a changed file is a new URL, so the old one may be kept forever.
      immutable: true,
      maxAge: '365d',
      cacheControl: true,
      preCompressed: false,
    });
  }

  const sendPage = async (_request: unknown, reply: FastifyReply) => {
    pageHeaders(reply).type('text/html; charset=utf-8');
    if (!built) return reply.code(503).header('retry-after', '30').send(missingBuildPage);
    // Read per request (it is ~1 kB) so a rebuild while the server runs is picked up without a restart.
    return reply.send(await readFile(indexFile));
  };

  const schema = { hide: true };
  app.get('/', { schema }, sendPage);
  for (const path of pagePaths) {
    app.get(path, { schema }, sendPage);
    app.get(`${path}/*`, { schema }, sendPage);
  }
};
