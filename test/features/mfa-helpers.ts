/** Helpers for the MFA tests: a TOTP generator (otpauth), enrolment and the two-step sign-in over HTTP. */
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import type { TestApp } from '../harness.ts';

export function totp(secret: string, at: Date): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: at.getTime(),
  });
}

/** Moves the test clock to the next 30-second step, so a fresh code is not a replay of the last one. */
export function nextStep(app: TestApp): void {
  app.clock.advance(30_000);
}

export async function enrolTotp(
  app: TestApp,
  token: string,
  password: string,
): Promise<{ authenticatorId: string; secret: string; recoveryCodes: string[] }> {
  const start = await app.request('POST', '/api/me/mfa/totp', { token, body: { currentPassword: password } });
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const code = totp(start.body.secret, app.clock.now());
  const confirm = await app.request('POST', '/api/me/mfa/totp/confirm', { token, body: { code } });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  return { authenticatorId: start.body.id, secret: start.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}

/** Signs in with the password and answers the pending second-factor step. */
export async function passwordStep(
  app: TestApp,
  username: string,
  password: string,
): Promise<{ mfaToken: string; methods: string[]; enrolmentRequired?: boolean }> {
  const r = await app.request('POST', '/api/auth/login', { body: { username, password } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.mfaRequired, true, JSON.stringify(r.body));
  assert.equal(r.body.token, undefined);
  assert.equal(r.headers['set-cookie'], undefined, 'no session cookie before the second factor');
  return r.body;
}

/** A user with a password, signed in, with TOTP enrolled. */
export async function userWithTotp(app: TestApp, username: string, password: string) {
  const userId = await app.createUser({ username, password });
  const token = await app.signIn(username, password);
  const enrolled = await enrolTotp(app, token, password);
  nextStep(app);
  return { userId, token, ...enrolled };
}

export async function eventsOf(app: TestApp, action: string, targetId?: string) {
  let q = app.app.services.db.selectFrom('events').selectAll().where('action', '=', action);
  if (targetId) q = q.where('target_id', '=', targetId);
  return q.execute();
}
