/**
 * Crash safety: kill -9 a real Gatehouse process during a burst of user creations and during a streamed CSV
 * import, restart on the same SQLite file: integrity_check ok, every user either present with its group
 * membership and audit event or absent, and a re-run completes the rest.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { hash } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import { userCsvRows } from '../../bench/cases/directory.ts';
import { api, benchAdmin, login, removeDir, type Served, spawnGatehouse } from '../../bench/lib/proc.ts';
import { argon2Params } from '../../src/crypto/passwords.ts';
import { recordFigures, size } from './support.ts';

const burst = size('CRASH_USERS', 300, 2_000);
const importRows = size('CRASH_IMPORT_ROWS', 3_000, 100_000);

function inspect(dataDir: string) {
  const db = new Database(path.join(dataDir, 'gatehouse.db'), { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const users = db
      .prepare("SELECT id, username FROM users WHERE username LIKE 'crash-%' OR username LIKE 'user%'")
      .all() as {
      id: string;
      username: string;
    }[];
    const events = new Set(
      (
        db.prepare("SELECT target_id FROM events WHERE action IN ('user.create', 'user.import.create')").all() as {
          target_id: string;
        }[]
      ).map((e) => e.target_id),
    );
    const members = new Set(
      (db.prepare('SELECT user_id FROM group_members').all() as { user_id: string }[]).map((m) => m.user_id),
    );
    return { integrity, users, events, members };
  } finally {
    db.close();
  }
}

describe('robustness: kill -9 and restart (SQLite)', () => {
  let server: Served | undefined;
  after(async () => {
    await server?.kill9();
    if (server) removeDir(server.dataDir);
  });

  test(`a burst of ${burst} user creations killed mid-way: each user whole (with its audit event) or absent`, async () => {
    server = await spawnGatehouse();
    const token = await login(server.url, benchAdmin.username, benchAdmin.password);
    const names = Array.from({ length: burst }, (_, i) => `crash-${i}`);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const username = names[next++] as string;
        await api(server?.url as string, 'POST', '/api/admin/users', token, { username }).catch(() => undefined);
      }
    };
    const running = Promise.all(Array.from({ length: 16 }, worker));
    while (next < burst / 3) await new Promise((r) => setTimeout(r, 5));
    await server.kill9();
    await running;
    const dataDir = server.dataDir;
    const state = inspect(dataDir);
    assert.equal(state.integrity, 'ok');
    const created = state.users.filter((u) => u.username.startsWith('crash-'));
    const withoutEvent = created.filter((u) => !state.events.has(u.id));
    assert.deepEqual(withoutEvent, [], 'every created user has its audit event');
    assert.ok(created.length > 0 && created.length < burst, `${created.length} of ${burst} created before the kill`);

    server = await spawnGatehouse({ GATEHOUSE_DATA_DIR: dataDir });
    const again = await login(server.url, benchAdmin.username, benchAdmin.password);
    const have = new Set(created.map((u) => u.username));
    for (const username of names.filter((n) => !have.has(n))) {
      const r = await api(server.url, 'POST', '/api/admin/users', again, { username });
      assert.equal(r.status, 201, `re-run creates ${username}`);
    }
    recordFigures('crash.burst', { users: burst, presentAtKill: created.length, integrity: state.integrity });
  });

  test(`a ${importRows}-row CSV import killed mid-way: integrity ok, rows whole or absent, a re-run completes it`, async () => {
    assert.ok(server, 'server from the previous test');
    const token = await login(server.url, benchAdmin.username, benchAdmin.password);
    const passwordHash = await hash('imported-password-1', argon2Params);
    const body = async () => {
      const r = await fetch(`${server?.url}/api/admin/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: (await import('node:stream')).Readable.from(userCsvRows(importRows, passwordHash)),
        duplex: 'half',
      } as unknown as RequestInit);
      return { status: r.status, text: await r.text() };
    };
    const importing = body().catch((e: Error) => ({ status: 0, text: e.message }));
    // Kill once some batches have committed.
    const dataDir = server.dataDir;
    const until = Date.now() + 60_000;
    for (;;) {
      const n = inspect(dataDir).users.filter((u) => /^user\d+$/.test(u.username)).length;
      if (n >= 500 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.kill9();
    await importing;
    const state = inspect(dataDir);
    assert.equal(state.integrity, 'ok');
    const imported = state.users.filter((u) => /^user\d+$/.test(u.username));
    assert.ok(imported.length > 0 && imported.length < importRows, `${imported.length} imported before the kill`);
    const partial = imported.filter((u) => !state.events.has(u.id) || !state.members.has(u.id));
    assert.deepEqual(partial.slice(0, 5), [], 'every imported user has its audit event and its group');

    server = await spawnGatehouse({ GATEHOUSE_DATA_DIR: dataDir });
    const rerun = await (async () => {
      const t2 = await login(server.url, benchAdmin.username, benchAdmin.password);
      const r = await fetch(`${server.url}/api/admin/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t2}`, 'content-type': 'text/csv' },
        body: (await import('node:stream')).Readable.from(userCsvRows(importRows, passwordHash)),
        duplex: 'half',
      } as unknown as RequestInit);
      return {
        status: r.status,
        body: (await r.json()) as { created: number; unchanged: number; refusedTotal: number },
      };
    })();
    assert.equal(rerun.status, 200);
    assert.equal(rerun.body.refusedTotal, 0);
    assert.equal(rerun.body.created, importRows - imported.length, 're-run creates exactly the missing rows');
    const final = inspect(dataDir).users.filter((u) => /^user\d+$/.test(u.username)).length;
    assert.equal(final, importRows);
    recordFigures('crash.import', {
      rows: importRows,
      presentAtKill: imported.length,
      rerunCreated: rerun.body.created,
    });
  });
});
