/**
 * Single-use secrets under concurrency (Keycloak CVE-2026-1035), against a real process on SQLite and on
 * PostgreSQL (where requests really run side by side on several connections): for every kind of one-time token
 * or code, 50 parallel redemptions give exactly one success and 49 refusals, never a 500. Afterwards every secret
 * the run handed out or typed is searched for in every log line and audit event of the process (ASVS 16.2.5).
 * Parallel brute force too: 200 wrong passwords at once check at most the lockout threshold (ASVS 6.3.1).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { totp } from '../features/mfa-helpers.ts';
import { testDialects } from '../harness.ts';
import { tokenIn } from '../support/smtp.ts';
import { Canaries } from './canaries.ts';
import { type Answer, createMember, type Rig, startRig } from './rig.ts';
import { recordFigures } from './support.ts';

const parallel = 50;
const marker = `CANARY${randomBytes(6).toString('hex')}`;

type Outcome = { successes: number; statuses: Record<string, number> };

for (const dialect of testDialects()) {
  describe(`robustness: 50-way redemption of every single-use secret [${dialect}]`, () => {
    let rig: Rig;
    const canaries = new Canaries();
    const figures: Record<string, Outcome | Record<string, unknown>> = {};
    before(async () => {
      // trace: the most the process can log, so the canary search reads everything it would ever write.
      rig = await startRig(dialect, { GATEHOUSE_LOG_LEVEL: 'trace' });
    });
    after(async () => {
      await rig?.stop();
      await recordFigures(`races.${dialect}`, figures);
    });

    const password = (label: string) => {
      const value = `${label}-${marker}-${randomBytes(4).toString('hex')}`;
      canaries.add('password', value);
      return value;
    };

    /** An active user with an address (and optionally a phone), signed in. */
    async function member(fields: Record<string, unknown> = {}) {
      const username = `race${randomBytes(4).toString('hex')}`;
      const pw = password('pw');
      const email = `${username}@example.test`;
      const id = await createMember(rig, { username, email, password: pw, ...fields });
      const token = await signIn(username, pw);
      return { id, username, email, password: pw, token };
    }

    async function signIn(username: string, pw: string): Promise<string> {
      const r = await rig.call('POST', '/api/auth/login', '', { username, password: pw });
      const body = r.body as { token?: string };
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(body.token);
      canaries.add('session token', body.token);
      return body.token;
    }

    async function mfaToken(username: string, pw: string): Promise<string> {
      const r = await rig.call('POST', '/api/auth/login', '', { username, password: pw });
      const body = r.body as { mfaToken?: string };
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(body.mfaToken, JSON.stringify(r.body));
      canaries.add('mfaToken', body.mfaToken);
      return body.mfaToken;
    }

    /** Fires `parallel` requests at once; exactly one 2xx, every other answer a 4xx. */
    async function race(
      kind: string,
      send: (i: number) => Promise<Answer>,
    ): Promise<{ index: number; answer: Answer }> {
      const answers = await Promise.all(Array.from({ length: parallel }, (_, i) => send(i)));
      const statuses: Record<string, number> = {};
      for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      const winners = answers.flatMap((a, i) => (a.status < 300 ? [i] : []));
      figures[kind] = { successes: winners.length, statuses };
      for (const a of answers) {
        const token = (a.body as { token?: string } | null)?.token;
        if (typeof token === 'string') canaries.add('session token', token);
      }
      assert.equal(winners.length, 1, `${kind}: ${JSON.stringify(statuses)}`);
      assert.ok(
        answers.every((a) => a.status < 300 || (a.status >= 400 && a.status < 500)),
        `${kind}: only 4xx refusals: ${JSON.stringify(statuses)}`,
      );
      const index = winners[0] as number;
      return { index, answer: answers[index] as Answer };
    }

    /** A confirmed TOTP authenticator, confirmed with the previous step's code so the current one is unused. */
    async function enrolTotp(m: { token: string; password: string }) {
      const start = await rig.call('POST', '/api/me/mfa/totp', m.token, { currentPassword: m.password });
      assert.equal(start.status, 200, JSON.stringify(start.body));
      const { secret } = start.body as { secret: string };
      canaries.add('TOTP secret', secret);
      const code = totp(secret, new Date(Date.now() - 30_000));
      const confirm = await rig.call('POST', '/api/me/mfa/totp/confirm', m.token, { code });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      const { recoveryCodes } = confirm.body as { recoveryCodes: string[] };
      canaries.add('recovery code', ...recoveryCodes);
      return { secret, recoveryCodes };
    }

    /** The one-time token in the latest mail to `to`, once `count` have arrived. */
    async function mailedToken(to: string, count = 1): Promise<string> {
      const mail = (await rig.smtp.waitFor(to, count, 10_000)).at(-1);
      assert.ok(mail);
      const token = tokenIn(mail);
      canaries.add('mailed token', token);
      return token;
    }

    test('an invitation: 50 parallel accepts create exactly one account (Keycloak CVE-2026-1035)', async () => {
      const email = `invitee${randomBytes(4).toString('hex')}@example.test`;
      const sent = await rig.call('POST', '/api/admin/invitations', rig.admin, { emails: [email] });
      assert.ok(sent.status < 300, JSON.stringify(sent.body));
      const token = await mailedToken(email);
      const pw = password('invited');
      await race('invitation', (i) =>
        rig.call('POST', `/api/auth/invitations/${token}/accept`, '', {
          username: `inv${i}x${randomInt(1e9)}`,
          password: pw,
        }),
      );
      const users = await rig.call('GET', `/api/admin/users?q=${encodeURIComponent(email)}`, rig.admin);
      assert.equal((users.body as { items: unknown[] }).items.length, 1, 'one account for the invited address');
    });

    test('a password recovery token: 50 parallel resets, one password set (Keycloak CVE-2026-1035)', async () => {
      const m = await member();
      assert.equal((await rig.call('POST', '/api/auth/password/forgot', '', { login: m.email })).status, 202);
      const token = await mailedToken(m.email);
      const passwords = Array.from({ length: parallel }, (_, i) => password(`reset${i}`));
      const won = await race('passwordReset', (i) =>
        rig.call('POST', '/api/auth/password/reset', '', { token, password: passwords[i] }),
      );
      await signIn(m.username, passwords[won.index] as string);
    });

    test('ASVS 6.4.1: an email verification token: 50 parallel confirmations, one success (Keycloak CVE-2026-1035)', async () => {
      const m = await member();
      assert.equal((await rig.call('POST', '/api/me/email/verification', m.token)).status, 202);
      const token = await mailedToken(m.email);
      await race('emailVerification', () => rig.call('POST', '/api/auth/email/verify', '', { token }));
      assert.equal(
        ((await rig.call('GET', '/api/me', m.token)).body as { emailVerified: boolean }).emailVerified,
        true,
      );
    });

    test('ASVS 6.4.1: an email change token: 50 parallel confirmations, one change (Keycloak CVE-2026-1035)', async () => {
      const m = await member();
      const next = `moved-${m.email}`;
      const asked = await rig.call('POST', '/api/me/email', m.token, { email: next, currentPassword: m.password });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const token = await mailedToken(next);
      await race('emailChange', () => rig.call('POST', '/api/auth/email/verify', '', { token }));
      assert.equal(((await rig.call('GET', '/api/me', m.token)).body as { email: string }).email, next);
    });

    test('an mfaToken: 50 parallel completions with different valid codes open one session and spend one code (Zitadel CVE-2025-64102)', async () => {
      const m = await member();
      const { secret, recoveryCodes } = await enrolTotp(m);
      const pending = await mfaToken(m.username, m.password);
      const now = Date.now();
      const codes = [totp(secret, new Date(now)), totp(secret, new Date(now + 30_000))];
      canaries.add('TOTP code', ...codes);
      const won = await race('mfaToken', (i) =>
        rig.call(
          'POST',
          '/api/auth/mfa',
          '',
          i < recoveryCodes.length
            ? { mfaToken: pending, method: 'recovery', code: recoveryCodes[i] }
            : { mfaToken: pending, method: 'totp', code: codes[i % 2] },
        ),
      );
      // Only the completion that opened the session spent its code: the losers' recovery codes still work.
      const session = (won.answer.body as { token: string }).token;
      const left = (await rig.call('GET', '/api/me/mfa', session)).body as { recoveryCodesRemaining: number };
      assert.equal(left.recoveryCodesRemaining, won.index < recoveryCodes.length ? 9 : 10);
    });

    test('ASVS 6.5.1: one TOTP code replayed by 50 parallel sign-ins is accepted once (Keycloak CVE-2026-1035)', async () => {
      const m = await member();
      const { secret } = await enrolTotp(m);
      const pending = await Promise.all(Array.from({ length: parallel }, () => mfaToken(m.username, m.password)));
      const code = totp(secret, new Date());
      canaries.add('TOTP code', code);
      await race('totpReplay', (i) =>
        rig.call('POST', '/api/auth/mfa', '', { mfaToken: pending[i], method: 'totp', code }),
      );
    });

    test('ASVS 6.5.1: one recovery code used by 50 parallel sign-ins is accepted once (Keycloak CVE-2026-1035)', async () => {
      const m = await member();
      const { recoveryCodes } = await enrolTotp(m);
      const pending = await Promise.all(Array.from({ length: parallel }, () => mfaToken(m.username, m.password)));
      await race('recoveryCode', (i) =>
        rig.call('POST', '/api/auth/mfa', '', { mfaToken: pending[i], method: 'recovery', code: recoveryCodes[0] }),
      );
    });

    test('ASVS 6.5.1, 6.6.3: a phone verification code and an SMS sign-in code, 50 parallel uses each: one success', async () => {
      const phone = `+4144${randomInt(2_000_000, 9_999_999)}`;
      const m = await member({ phone });
      assert.equal((await rig.call('POST', '/api/me/phone/verify', m.token)).status, 202);
      const verifyCode = rig.sms.lastCode(phone);
      canaries.add('SMS code', verifyCode);
      await race('phoneVerification', () => rig.call('POST', '/api/me/phone/confirm', m.token, { code: verifyCode }));

      const enabled = await rig.call('POST', '/api/me/mfa/sms', m.token, {
        enabled: true,
        currentPassword: m.password,
      });
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      canaries.add('recovery code', ...((enabled.body as { recoveryCodes?: string[] }).recoveryCodes ?? []));
      const pending = await mfaToken(m.username, m.password);
      const sent = await rig.call('POST', '/api/auth/mfa/challenge', '', { mfaToken: pending, method: 'sms' });
      assert.ok(sent.status < 300, JSON.stringify(sent.body));
      const code = rig.sms.lastCode(phone);
      assert.notEqual(code, verifyCode);
      canaries.add('SMS code', code);
      await race('smsSignIn', () => rig.call('POST', '/api/auth/mfa', '', { mfaToken: pending, method: 'sms', code }));
    });

    test('ASVS 6.3.1 (Zitadel GHSA-7h8m-vrxx-vr4m, Keycloak #31726): 200 parallel wrong passwords record at most the limit', async () => {
      const m = await member();
      const { lockoutThreshold } = (await rig.call('GET', '/api/admin/settings', rig.admin)).body as {
        lockoutThreshold: number;
      };
      const guesses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          rig.call('POST', '/api/auth/login', '', { username: m.username, password: `guess-${marker}-${i}` }),
        ),
      );
      const statuses: Record<string, number> = {};
      for (const g of guesses) statuses[g.status] = (statuses[g.status] ?? 0) + 1;
      figures.bruteForce = { passwordsChecked: statuses[401] ?? 0, lockoutThreshold, statuses };
      assert.ok((statuses[401] ?? 0) <= lockoutThreshold, `failures checked: ${JSON.stringify(statuses)}`);
      assert.equal((statuses[401] ?? 0) + (statuses[429] ?? 0), 200, JSON.stringify(statuses));
      const right = await rig.call('POST', '/api/auth/login', '', { username: m.username, password: m.password });
      assert.equal(right.status, 429, 'the lock engaged: the right password is refused too');
    });

    test('ASVS 16.2.5: no secret of this run is in any log line or audit event', async () => {
      const key = await rig.call('POST', '/api/me/api-keys', rig.admin, { name: 'canary key' });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      const secret = (key.body as { secret: string }).secret;
      canaries.add('API key', secret);
      assert.equal((await rig.call('GET', '/api/me', secret)).status, 200);
      await rig.call('GET', '/api/me', `${secret}x`);
      canaries.add('marker', marker);
      await new Promise((r) => setTimeout(r, 300));
      const events = await rig.events();
      const lines = rig.gh.output.map((text, i) => ({ name: `log line ${i + 1}`, text }));
      const rows = events.map((row, i) => ({
        name: `event ${i + 1} (${String(row.action)})`,
        text: JSON.stringify(row),
      }));
      const leaks = canaries.find([...lines, ...rows]);
      await recordFigures(`canaries.${dialect}`, {
        secrets: canaries.size,
        kinds: canaries.kinds(),
        logLines: lines.length,
        auditEvents: rows.length,
        leaks: leaks.length,
      });
      assert.ok(lines.length > 100 && rows.length > 100, 'the search read real output and a real audit trail');
      assert.deepEqual([...new Set(leaks)].slice(0, 20), []);
    });
  });
}
