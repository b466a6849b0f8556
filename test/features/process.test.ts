/**
 * The real process: the server bundle (dist/server/main.js) as `npm start` runs it, built by the same prestart
 * script when stale. Start-up with migrations and the first admin, a restart on the same data keeping users and
 * sessions, graceful shutdown on SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3';
import { startTestApp, testDialects } from '../harness.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

before(() => {
  const build = spawnSync(process.execPath, ['scripts/build-server-if-stale.mjs'], { encoding: 'utf8' });
  assert.equal(build.status, 0, `${build.stdout}${build.stderr}`);
});

type Running = { child: ChildProcess; base: string; output: () => string; exited: Promise<number | null> };

async function startProcess(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    // Management port 0: any free one, so parallel processes never collide on 9464.
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEHOUSE_MANAGEMENT_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${base}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { child, base, output: () => out, exited };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready:\n${out}`);
}

async function json(base: string, method: string, url: string, body?: unknown, token?: string) {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: r.status,
    body: (await r.json().catch(() => null)) as Record<string, unknown> & { token: string; id: string },
  };
}

test('npm start on SQLite: creates the data dir (WAL), migrates, makes the first admin, survives a restart, stops cleanly on SIGTERM', async () => {
  const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'gh-proc-')), 'data');
  const env = {
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ADMIN_USERNAME: 'root-admin',
    GATEHOUSE_ADMIN_PASSWORD: 'bootstrap password 1',
  };
  try {
    const first = await startProcess(env);
    assert.ok((await readdir(dataDir)).includes('gatehouse.db'));
    const login = await json(first.base, 'POST', '/api/auth/login', {
      username: 'root-admin',
      password: 'bootstrap password 1',
    });
    assert.equal(login.status, 200);
    const created = await json(
      first.base,
      'POST',
      '/api/admin/users',
      { username: 'survivor', email: 'survivor@example.com' },
      login.body.token,
    );
    assert.equal(created.status, 201);
    // An in-flight request when SIGTERM arrives still gets its answer.
    const inflight = json(first.base, 'POST', '/api/auth/login', {
      username: 'root-admin',
      password: 'bootstrap password 1',
    });
    await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGTERM');
    assert.equal((await inflight).status, 200);
    assert.equal(await first.exited, 0);
    assert.doesNotMatch(first.output(), /bootstrap password 1/, 'the password never reaches the log');
    assert.doesNotMatch(first.output(), new RegExp(login.body.token), 'the token never reaches the log');

    const db = new Database(path.join(dataDir, 'gatehouse.db'), { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();

    // Restart on the same data dir with a different bootstrap password: the admin is not touched.
    const second = await startProcess({ ...env, GATEHOUSE_ADMIN_PASSWORD: 'another password 2' });
    const me = await json(second.base, 'GET', '/api/me', undefined, login.body.token);
    assert.equal(me.status, 200, 'the session survived the restart');
    const user = await json(second.base, 'GET', `/api/admin/users/${created.body.id}`, undefined, login.body.token);
    assert.equal(user.body.username, 'survivor');
    assert.equal(
      (await json(second.base, 'POST', '/api/auth/login', { username: 'root-admin', password: 'another password 2' }))
        .status,
      401,
    );
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  } finally {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  }
});

test('without bootstrap variables there is no default account, and the way to create one is printed once (ASVS 6.3.2)', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gh-proc-'));
  try {
    const run = await startProcess({ GATEHOUSE_DATA_DIR: dataDir });
    for (const [username, password] of [
      ['admin', 'admin'],
      ['admin', 'password'],
      ['root', 'root'],
    ]) {
      assert.equal((await json(run.base, 'POST', '/api/auth/login', { username, password })).status, 401);
    }
    run.child.kill('SIGTERM');
    await run.exited;
    assert.equal(run.output().match(/npx gatehouse admin create/g)?.length, 1);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a bad configuration stops the start with a one-line reason naming the variable', async () => {
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: 'not-a-port', GATEHOUSE_DATABASE_URL: 'mysql://x' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.notEqual(code, 0);
  assert.match(err, /PORT/);
  assert.match(err, /GATEHOUSE_DATABASE_URL/);
  assert.equal(err.trim().split('\n').length, 1);
});

for (const dialect of testDialects()) {
  test(`a restart on the same database finds users and sessions intact [${dialect}]`, async () => {
    const first = await startTestApp({ dialect, keepData: true });
    const id = await first.createUser({ username: 'persistent', password: 'persistent password' });
    const token = await first.signIn('persistent', 'persistent password');
    await first.stop();
    const url = first.config.databaseUrl;
    const second = await startTestApp({ dialect, dataDir: first.dataDir, ...(url ? { databaseUrl: url } : {}) });
    try {
      assert.equal((await second.request('GET', '/api/me', { token })).body.id, id);
      assert.equal(
        (await second.request('GET', `/api/admin/users/${id}`, { token: second.adminToken })).body.username,
        'persistent',
      );
    } finally {
      await second.close();
      if (url) {
        const { openPostgres } = await import('../../src/db/postgres.ts');
        const { sql } = await import('kysely');
        const admin = openPostgres(url.replace(/\/[^/]+$/, '/postgres'), 1);
        await sql`DROP DATABASE IF EXISTS ${sql.id(new URL(url).pathname.slice(1))} WITH (FORCE)`.execute(admin);
        await admin.destroy();
      }
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });
}

test('npm start never serves a stale bundle: a source newer than dist/server is rebuilt first', async () => {
  const { serverBundleIsFresh } = await import('../../scripts/build-server-if-stale.mjs');
  assert.equal(serverBundleIsFresh(), true);
  const { utimesSync, statSync } = await import('node:fs');
  const source = 'src/main.ts';
  const { atime, mtime } = statSync(source);
  try {
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    assert.equal(serverBundleIsFresh(), false, 'a changed source makes the bundle stale');
    const build = spawnSync(process.execPath, ['scripts/build-server-if-stale.mjs'], { encoding: 'utf8' });
    assert.equal(build.status, 0, `${build.stdout}${build.stderr}`);
    assert.match(build.stdout, /rebuilding dist\/server/);
  } finally {
    utimesSync(source, atime, mtime);
  }
});
