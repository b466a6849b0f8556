// How the service serves the built console: cache headers, SPA fallback only for page paths, a 503 when unbuilt.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Fastify from 'fastify';
import { consoleRoutes, defaultDistDir } from '../../src/features/console/console.plugin.ts';
import { startTestApp, type TestApp } from '../harness.ts';
import { ensureConsoleBuilt } from './harness.ts';

let gh: TestApp;
before(async () => {
  ensureConsoleBuilt();
  gh = await startTestApp({ dialect: 'sqlite' });
});
after(async () => {
  await gh?.close();
});

test('hashed assets are cached for a year as immutable', async () => {
  const script = readdirSync(path.join(defaultDistDir, 'assets')).find((name) => name.endsWith('.js'));
  assert.ok(script, 'the build has a script');
  const reply = await gh.request('GET', `/assets/${script}`);
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(String(reply.headers['content-type']), /javascript/);
});

test('page paths answer index.html, never cached, with a CSP and no referrer', async () => {
  for (const url of ['/', '/admin', '/admin/users/123?tab=events', '/account/security', '/reset-password?token=x']) {
    const reply = await gh.request('GET', url);
    assert.equal(reply.status, 200, url);
    assert.match(String(reply.headers['content-type']), /text\/html/);
    assert.equal(reply.headers['cache-control'], 'no-cache');
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
    assert.match(String(reply.headers['content-security-policy']), /script-src 'self'/);
    assert.match(String(reply.body), /<div id="root">/);
  }
});

test('API, SCIM, health and metrics paths are never answered with the app', async () => {
  for (const url of ['/api/nope', '/scim/v2/Nope', '/metricsx', '/admin.php', '/assets/missing.js']) {
    const reply = await gh.request('GET', url);
    assert.equal(reply.status, 404, url);
    assert.doesNotMatch(String(reply.raw.body), /<div id="root">/, url);
  }
  const health = await gh.request('GET', '/healthz');
  assert.equal(health.status, 200);
  assert.doesNotMatch(String(health.raw.body), /<div id="root">/);
});

test('without a build the pages answer 503 with a hint, and the service still starts', async () => {
  const app = Fastify();
  await app.register(consoleRoutes, { distDir: path.join(defaultDistDir, 'does-not-exist') });
  const reply = await app.inject({ method: 'GET', url: '/admin/users' });
  assert.equal(reply.statusCode, 503);
  assert.match(reply.body, /npm run build:console/);
  await app.close();
});
