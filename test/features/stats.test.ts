/** Directory statistics for the console's charts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';

describeBothDialects('statistics', (tt) => {
  test('users by status, MFA adoption, live sessions and sign-ins per day', async () => {
    const t = tt();
    const a = await t.createUser({ username: unique('st'), password: 'stats password' });
    await t.createUser({ username: unique('st') });
    await t.request('POST', `/api/admin/users/${a}/disable`, { token: t.adminToken });
    const r = await t.request('GET', '/api/admin/stats', { token: t.adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.users.total, 3);
    assert.equal(r.body.users.disabled, 1);
    assert.equal(r.body.users.active, 2);
    assert.equal(r.body.mfa.adoption, 0);
    assert.ok(r.body.sessions.active >= 1);
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(r.body.signInsPerDay.some((d: { day: string; count: number }) => d.day === today && d.count >= 1));
    const username = unique('plain');
    await t.createUser({ username, password: 'stats password' });
    assert.equal(
      (await t.request('GET', '/api/admin/stats', { token: await t.signIn(username, 'stats password') })).status,
      403,
    );
  });
});
