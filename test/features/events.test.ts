/** The audit trail's read side: filters, cursor pages, per-user view, export, retention, append-only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';

describeBothDialects('audit trail', (tt) => {
  test('events are queried by action prefix, actor, target, outcome and time, newest first, in cursor pages', async () => {
    const t = tt();
    const id = await t.createUser({ username: unique('ev'), password: 'event password' });
    await t.request('PATCH', `/api/admin/users/${id}`, { token: t.adminToken, body: { displayName: 'Changed' } });
    await t.request('POST', '/api/auth/login', { body: { username: 'nobody-at-all', password: 'wrong one' } });
    const r = await t.request('GET', '/api/admin/events', { token: t.adminToken, query: { target: id } });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.items.map((e: { action: string }) => e.action),
      ['user.update', 'user.create'],
    );
    const update = r.body.items[0];
    assert.equal(update.actor.type, 'user');
    assert.equal(update.actor.id, t.adminId);
    assert.deepEqual(update.details.changes.display_name, { from: null, to: 'Changed' });
    const byPrefix = await t.request('GET', '/api/admin/events', {
      token: t.adminToken,
      query: { action: 'user.', target: id, limit: '1' },
    });
    assert.equal(byPrefix.body.items.length, 1);
    const next = await t.request('GET', '/api/admin/events', {
      token: t.adminToken,
      query: { action: 'user.', target: id, limit: '1', cursor: byPrefix.body.nextCursor },
    });
    assert.equal(next.body.items[0].action, 'user.create');
    const failures = await t.request('GET', '/api/admin/events', {
      token: t.adminToken,
      query: { action: 'auth.login', outcome: 'failure' },
    });
    assert.ok(failures.body.items.length >= 1);
    const future = await t.request('GET', '/api/admin/events', {
      token: t.adminToken,
      query: { from: new Date(Date.now() + 86_400_000).toISOString() },
    });
    assert.equal(future.body.items.length, 0);
    const perUser = await t.request('GET', `/api/admin/users/${id}/events`, { token: t.adminToken });
    assert.ok(perUser.body.items.some((e: { action: string }) => e.action === 'user.create'));
    assert.equal(
      (await t.request('GET', '/api/admin/events', { token: t.adminToken, query: { from: 'yesterday' } })).status,
      400,
    );
  });

  test('events export as JSON Lines and CSV', async () => {
    const t = tt();
    const id = await t.createUser({ username: unique('exp') });
    const jsonl = await t.request('GET', '/api/admin/events/export', {
      token: t.adminToken,
      query: { target: id, format: 'jsonl' },
    });
    assert.equal(jsonl.status, 200);
    const lines = jsonl.raw.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((e) => e.action),
      ['user.create'],
    );
    const csv = await t.request('GET', '/api/admin/events/export', {
      token: t.adminToken,
      query: { target: id, format: 'csv' },
    });
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const rows = csv.raw.body.trim().split('\n');
    assert.match(rows[0] ?? '', /^id,at,actorType/);
    assert.equal(rows.length, 2);
  });

  test('events are append-only through the API and need events:read', async () => {
    const t = tt();
    const ev = (await t.request('GET', '/api/admin/events', { token: t.adminToken, query: { limit: '1' } })).body
      .items[0];
    for (const method of ['DELETE', 'PATCH', 'PUT']) {
      assert.equal(
        (await t.request(method, `/api/admin/events/${ev.id}`, { token: t.adminToken, body: {} })).status,
        404,
      );
    }
    const username = unique('nosy');
    await t.createUser({ username, password: 'nosy password' });
    const token = await t.signIn(username, 'nosy password');
    assert.equal((await t.request('GET', '/api/admin/events', { token })).status, 403);
  });

  test('retention deletes events older than auditRetentionDays', async () => {
    const t = tt();
    await t.createUser({ username: unique('old') });
    await t.request('PATCH', '/api/admin/settings', { token: t.adminToken, body: { auditRetentionDays: 30 } });
    t.clock.advance(31 * 86_400_000);
    const deleted = await t.app.services.eventsQuery.enforceRetention();
    assert.ok(deleted > 0);
    t.clock.advance(-31 * 86_400_000);
    const left = await t.app.services.db.selectFrom('events').select('at').orderBy('at').limit(1).executeTakeFirst();
    assert.ok(!left || left.at > new Date(Date.now() - 86_400_000).toISOString());
  });
});
