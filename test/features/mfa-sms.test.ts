/** Phone verification and SMS as a second factor, through a real webhook receiver on 127.0.0.1. */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, test } from 'node:test';
import { describeBothDialects, type TestApp, unique } from '../harness.ts';
import { eventsOf, passwordStep } from './mfa-helpers.ts';
import { startSmsReceiver } from './sms-receiver.ts';

const receiver = await startSmsReceiver();
after(() => receiver.close());

const password = 'text message password';

/** A valid E.164 number of its own per test, so the per-number rate limit of one test leaves the others alone. */
function phoneNumber(): string {
  return `+4144${randomInt(2_000_000, 9_999_999)}`;
}

async function userWithPhone(app: TestApp) {
  const username = unique('sms');
  const phone = phoneNumber();
  const id = await app.createUser({ username, password, phone });
  const token = await app.signIn(username, password);
  return { id, username, phone, token };
}

async function verifyPhone(app: TestApp, token: string, phone: string): Promise<void> {
  assert.equal((await app.request('POST', '/api/me/phone/verify', { token })).status, 202);
  const code = receiver.lastCode(phone);
  const r = await app.request('POST', '/api/me/phone/confirm', { token, body: { code } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

describeBothDialects(
  'mfa: phone verification and SMS',
  (t) => {
    test('the verification code goes to the webhook as {to, body}; only confirming it sets phoneVerified (Zitadel CVE-2026-27946)', async () => {
      const app = t();
      const { id, phone, token } = await userWithPhone(app);
      const self = await app.request('PATCH', '/api/me', { token, body: { phoneVerified: true } });
      assert.equal(self.status, 400);
      const sent = await app.request('POST', '/api/me/phone/verify', { token });
      assert.equal(sent.status, 202);
      assert.match(sent.body.sentTo, new RegExp(`${phone.slice(-4)}$`));
      const message = receiver.messages.filter((m) => m.to === phone).at(-1);
      assert.ok(message);
      assert.match(message.body, /\b\d{6}\b/);
      const code = receiver.lastCode(phone);
      const stored = await app.app.services.db.selectFrom('mfa_codes').selectAll().where('user_id', '=', id).execute();
      assert.equal(stored.length, 1);
      assert.ok(!stored[0]!.code_hash.includes(code), 'codes are stored hashed');
      assert.equal((await app.request('GET', '/api/me', { token })).body.phoneVerified, false);
      const wrong = await app.request('POST', '/api/me/phone/confirm', {
        token,
        body: { code: code === '111111' ? '222222' : '111111' },
      });
      assert.equal(wrong.status, 400);
      assert.equal((await app.request('POST', '/api/me/phone/confirm', { token, body: { code } })).status, 200);
      assert.equal((await app.request('GET', '/api/me', { token })).body.phoneVerified, true);
      const reuse = await app.request('POST', '/api/me/phone/confirm', { token, body: { code } });
      assert.equal(reuse.status, 400, 'a code works once');
      const events = await eventsOf(app, 'user.phone.verify', id);
      assert.deepEqual(events.map((e) => e.outcome).sort(), ['failure', 'failure', 'success']);
    });

    test('a verification code expires after 10 minutes (ASVS 6.5.5) and allows 5 tries (ASVS 6.6.3)', async () => {
      const app = t();
      const { phone, token } = await userWithPhone(app);
      await app.request('POST', '/api/me/phone/verify', { token });
      const code = receiver.lastCode(phone);
      app.clock.advance(10 * 60_000 + 1000);
      assert.equal((await app.request('POST', '/api/me/phone/confirm', { token, body: { code } })).status, 400);
      await app.request('POST', '/api/me/phone/verify', { token });
      const next = receiver.lastCode(phone);
      const wrong = next === '000000' ? '000001' : '000000';
      for (let i = 0; i < 5; i++) {
        assert.equal(
          (await app.request('POST', '/api/me/phone/confirm', { token, body: { code: wrong } })).status,
          400,
        );
      }
      const late = await app.request('POST', '/api/me/phone/confirm', { token, body: { code: next } });
      assert.equal(late.status, 400, 'the right code after five wrong ones is refused');
      assert.equal((await app.request('GET', '/api/me', { token })).body.phoneVerified, false);
    });

    test('SMS is a second factor only for a verified number (ASVS 6.6.1)', async () => {
      const app = t();
      const { phone, token } = await userWithPhone(app);
      const early = await app.request('POST', '/api/me/mfa/sms', {
        token,
        body: { enabled: true, currentPassword: password },
      });
      assert.equal(early.status, 409);
      assert.equal(early.body.code, 'PHONE_NOT_VERIFIED');
      await verifyPhone(app, token, phone);
      const noProof = await app.request('POST', '/api/me/mfa/sms', { token, body: { enabled: true } });
      assert.equal(noProof.status, 403, 'a factor change needs a fresh proof (ASVS 7.5.1)');
      const on = await app.request('POST', '/api/me/mfa/sms', {
        token,
        body: { enabled: true, currentPassword: password },
      });
      assert.equal(on.status, 200);
      assert.equal(on.body.recoveryCodes.length, 10, 'the first factor brings recovery codes');
      const me = await app.request('GET', '/api/me/mfa', { token });
      assert.equal(me.body.smsEnabled, true);
      assert.equal((await app.request('GET', '/api/me', { token })).body.mfaEnabled, true);
    });

    test('sign-in with an SMS code; the code is single use and bound to its mfaToken', async () => {
      const app = t();
      const { username, phone, token } = await userWithPhone(app);
      await verifyPhone(app, token, phone);
      await app.request('POST', '/api/me/mfa/sms', { token, body: { enabled: true, currentPassword: password } });
      const pending = await passwordStep(app, username, password);
      assert.deepEqual(pending.methods, ['sms', 'recovery']);
      const before = receiver.messages.length;
      const sent = await app.request('POST', '/api/auth/mfa/challenge', {
        body: { mfaToken: pending.mfaToken, method: 'sms' },
      });
      assert.equal(sent.status, 202);
      assert.equal(receiver.messages.length, before + 1);
      const code = receiver.lastCode(phone);
      const other = await passwordStep(app, username, password);
      const elsewhere = await app.request('POST', '/api/auth/mfa', {
        body: { mfaToken: other.mfaToken, method: 'sms', code },
      });
      assert.equal(elsewhere.status, 401, 'a code is bound to the sign-in it was sent for');
      const ok = await app.request('POST', '/api/auth/mfa', {
        body: { mfaToken: pending.mfaToken, method: 'sms', code },
      });
      assert.equal(ok.status, 200);
      assert.equal((await app.request('GET', '/api/me', { token: ok.body.token })).status, 200);
      const again = await app.request('POST', '/api/auth/mfa', {
        body: { mfaToken: pending.mfaToken, method: 'sms', code },
      });
      assert.equal(again.status, 401);
    });

    test('a changed phone number stops SMS codes until it is verified again (ASVS 6.6.1)', async () => {
      const app = t();
      const { id, username, phone, token } = await userWithPhone(app);
      await verifyPhone(app, token, phone);
      await app.request('POST', '/api/me/mfa/sms', { token, body: { enabled: true, currentPassword: password } });
      const changed = await app.request('PATCH', `/api/admin/users/${id}`, {
        token: app.adminToken,
        body: { phone: phoneNumber() },
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.phoneVerified, false);
      const pending = await passwordStep(app, username, password);
      assert.deepEqual(pending.methods, ['recovery']);
      const before = receiver.messages.length;
      const r = await app.request('POST', '/api/auth/mfa/challenge', {
        body: { mfaToken: pending.mfaToken, method: 'sms' },
      });
      assert.equal(r.status, 400);
      assert.equal(receiver.messages.length, before, 'nothing is sent to an unverified number');
    });

    test('sending is rate-limited per phone number: 429 with Retry-After', async () => {
      const app = t();
      const { phone, token } = await userWithPhone(app);
      for (let i = 0; i < 5; i++)
        assert.equal((await app.request('POST', '/api/me/phone/verify', { token })).status, 202);
      const before = receiver.messages.filter((m) => m.to === phone).length;
      const limited = await app.request('POST', '/api/me/phone/verify', { token });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal(receiver.messages.filter((m) => m.to === phone).length, before);
      app.clock.advance(15 * 60_000 + 1000);
      assert.equal((await app.request('POST', '/api/me/phone/verify', { token })).status, 202);
    });

    test('a failing SMS gateway answers 503, never 500', async () => {
      const app = t();
      const { token } = await userWithPhone(app);
      receiver.failWith(500);
      try {
        const r = await app.request('POST', '/api/me/phone/verify', { token });
        assert.equal(r.status, 503);
      } finally {
        receiver.failWith(null);
      }
    });

    test('ALREADY_VERIFIED: a verified phone number is not sent another verification code', async () => {
      const app = t();
      const { phone, token } = await userWithPhone(app);
      await verifyPhone(app, token, phone);
      const again = await app.request('POST', '/api/me/phone/verify', { token });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'ALREADY_VERIFIED');
    });
  },
  { GATEHOUSE_SMS_URL: receiver.url },
);
