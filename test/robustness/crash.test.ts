/**
 * Crash safety: kill -9 a real Gatehouse process during a burst of user creations and during a streamed CSV
 * import (CI: four batches, 20,000 rows; full: 100,000), on SQLite and on PostgreSQL, and restart it on the same
 * database.
 * SQLite passes integrity_check and its FTS5 index check; every user is either whole (its audit event, its group
 * membership, its role) or absent; re-running the burst and the import completes exactly the rest.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { api, benchAdmin, login, removeDir, type Served, spawnGatehouse } from '../../bench/lib/proc.ts';
import { argon2Params } from '../../src/crypto/passwords.ts';
import { batchSize } from '../../src/features/import-export/bulk-import.service.ts';
import { testDialects, testPgServer } from '../harness.ts';
import { type Inspector, partialUsers, postgresInspector, sqliteInspector } from './crash-inspect.ts';
import { recordFigures, size } from './support.ts';

const burst = size('CRASH_USERS', 300, 2_000);
/** Several import batches, so that the kill lands between two commits. */
const importRows = size('CRASH_IMPORT_ROWS', 4 * batchSize, 100_000);

/** CSV rows `imp<i>` with an address, one of 20 groups and a pre-hashed password, streamed in chunks. */
function* csvRows(n: number, passwordHash: string): Generator<string> {
  yield 'username,email,groups,passwordHash\n';
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += `imp${i},imp${i}@example.org,crash-team-${i % 20},"${passwordHash}"\n`;
    if (i % 5000 === 4999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function importCsv(url: string, token: string, passwordHash: string) {
  const r = await fetch(`${url}/api/admin/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: Readable.from(csvRows(importRows, passwordHash)),
    duplex: 'half',
  } as unknown as RequestInit);
  return { status: r.status, text: await r.text() };
}

/** Polls until `count()` reaches `target` (or the deadline), so the kill lands after some commits. */
async function waitUntil(count: () => Promise<number>, target: number, deadlineMs: number): Promise<number> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const n = await count();
    if (n >= target || Date.now() > until) return n;
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of testDialects()) {
  describe(`robustness: kill -9 and restart [${dialect}]`, () => {
    const env: Record<string, string> = {};
    const dbName = `gh_crash_${randomBytes(5).toString('hex')}`;
    let server: Served | undefined;
    let inspector: Inspector;
    let dataDir: string;
    const restart = async () => {
      server = await spawnGatehouse({ ...env, GATEHOUSE_DATA_DIR: dataDir });
      return login(server.url, benchAdmin.username, benchAdmin.password);
    };
    before(async () => {
      if (dialect === 'postgres') {
        const c = new pg.Client({ connectionString: testPgServer });
        await c.connect();
        await c.query(`CREATE DATABASE ${dbName}`);
        await c.end();
        const url = new URL(testPgServer);
        url.pathname = `/${dbName}`;
        env.GATEHOUSE_DATABASE_URL = url.toString();
      }
      server = await spawnGatehouse(env);
      dataDir = server.dataDir;
      inspector =
        dialect === 'sqlite' ? sqliteInspector(dataDir) : postgresInspector(env.GATEHOUSE_DATABASE_URL as string);
    });
    after(async () => {
      await server?.kill9();
      removeDir(dataDir);
      if (dialect === 'postgres') {
        const c = new pg.Client({ connectionString: testPgServer });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await c.end();
      }
    });

    test(`a burst of ${burst} user creations killed mid-way: each user whole (event, group, role) or absent`, async () => {
      assert.ok(server);
      const token = await login(server.url, benchAdmin.username, benchAdmin.password);
      const group = await api(server.url, 'POST', '/api/admin/groups', token, { name: 'crash-burst' });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      const fields = { groupIds: [(group.body as { id: string }).id], roleIds: ['role-user'] };
      const names = Array.from({ length: burst }, (_, i) => `crash-${i}`);
      let next = 0;
      const url = server.url;
      const worker = async () => {
        while (next < names.length) {
          const username = names[next++] as string;
          await api(url, 'POST', '/api/admin/users', token, { username, ...fields }).catch(() => undefined);
        }
      };
      const running = Promise.all(Array.from({ length: 16 }, worker));
      await waitUntil(async () => next, burst / 3, 60_000);
      await server.kill9();
      await running;
      const state = await inspector.state('crash-');
      assert.equal(state.integrity, 'ok');
      assert.deepEqual(partialUsers(state, { group: true, role: true }), [], 'every user whole');
      const present = state.users.length;
      assert.ok(present > 0 && present < burst, `${present} of ${burst} created before the kill`);

      const again = await restart();
      const have = new Set(state.users.map((u) => u.username));
      const missing = names.filter((n) => !have.has(n));
      const url2 = server.url;
      const rerun = async () => {
        for (let username = missing.pop(); username; username = missing.pop()) {
          const r = await api(url2, 'POST', '/api/admin/users', again, { username, ...fields });
          assert.equal(r.status, 201, `re-run creates ${username}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, rerun));
      const final = await inspector.state('crash-');
      assert.equal(final.users.length, burst);
      assert.deepEqual(partialUsers(final, { group: true, role: true }), []);
      await recordFigures(`crash.burst.${dialect}`, {
        users: burst,
        presentAtKill: present,
        integrity: state.integrity,
      });
    });

    test(`a ${importRows}-row CSV import killed mid-way: rows whole or absent, a re-run creates exactly the rest`, async () => {
      assert.ok(server);
      const token = await login(server.url, benchAdmin.username, benchAdmin.password);
      const passwordHash = await hash(`imported-${randomBytes(4).toString('hex')}`, argon2Params);
      const started = performance.now();
      const importing = importCsv(server.url, token, passwordHash).catch((e: Error) => ({
        status: 0,
        text: e.message,
      }));
      const seen = await waitUntil(() => inspector.count('imp'), Math.ceil(importRows / 10), 120_000);
      const killedAfterMs = performance.now() - started;
      await server.kill9();
      const answer = await importing;
      const state = await inspector.state('imp');
      assert.equal(state.integrity, 'ok');
      const present = state.users.length;
      assert.ok(
        present > 0 && present < importRows,
        `${present} of ${importRows} rows present at the kill (polled ${seen}; the import answered ${answer.status})`,
      );
      assert.deepEqual(partialUsers(state, { group: true }).slice(0, 5), [], 'every imported user whole');

      const again = await restart();
      const rerunStarted = performance.now();
      const rerun = await importCsv(server.url, again, passwordHash);
      const rerunMs = performance.now() - rerunStarted;
      assert.equal(rerun.status, 200, rerun.text.slice(0, 500));
      const body = JSON.parse(rerun.text) as { created: number; unchanged: number; refusedTotal: number };
      assert.equal(body.refusedTotal, 0);
      assert.equal(body.created, importRows - present, 're-run creates exactly the missing rows');
      const final = await inspector.state('imp');
      assert.equal(final.users.length, importRows);
      assert.deepEqual(partialUsers(final, { group: true }).slice(0, 5), []);
      await recordFigures(`crash.import.${dialect}`, {
        rows: importRows,
        presentAtKill: present,
        killedAfterMs: Math.round(killedAfterMs),
        rerunCreated: body.created,
        rerunUnchanged: body.unchanged,
        rerunMs: Math.round(rerunMs),
        integrity: state.integrity,
      });
    });
  });
}
