/** The owner is mailed after any change of its second factors, by itself or by an admin (ASVS 6.3.7). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBothDialects, unique } from '../harness.ts';
import { enrolTotp } from './mfa-helpers.ts';

describeBothDialects('factor change notices', (tt) => {
  test('adding and removing an authenticator mails the owner; nothing secret is in the message (ASVS 6.3.7)', async () => {
    const t = tt();
    const username = unique('notice');
    const email = `${username}@example.test`;
    const id = await t.createUser({ username, email, password: 'notice password' });
    const token = await t.signIn(username, 'notice password');
    const { authenticatorId, secret, recoveryCodes } = await enrolTotp(t, token, 'notice password');
    const outbox = () =>
      t.app.services.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', email)
        .orderBy('created_at')
        .execute();
    const afterAdd = await outbox();
    assert.equal(afterAdd.length, 1);
    assert.match(afterAdd[0]?.subject ?? '', /sign-in methods changed/);
    assert.match(afterAdd[0]?.text_body ?? '', /authenticator app was added/);
    for (const secretValue of [secret, ...recoveryCodes]) {
      assert.ok(!JSON.stringify(afterAdd).includes(secretValue), 'no secret or recovery code in the notice');
    }
    const removed = await t.request('DELETE', `/api/admin/users/${id}/mfa/${authenticatorId}`, { token: t.adminToken });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    const afterRemove = await outbox();
    assert.equal(afterRemove.length, 2);
    assert.match(afterRemove[1]?.text_body ?? '', /administrator removed a totp factor/);
  });
});
