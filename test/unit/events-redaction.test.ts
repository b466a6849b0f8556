/** Audit event details never hold a secret (ASVS 16.2.5: no password, token, code or secret in any event), at any depth. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactedJson } from '../../src/features/events/events.service.ts';

test('values under secret-looking keys are replaced at any depth; flags and everything else are kept as JSON', () => {
  const details = {
    username: 'ann',
    password: 'hunter2',
    nested: { apiKey: 'gh_live_1', list: [{ token: 't1', note: 'kept' }, 'plain'] },
    changes: { email: { from: 'a@x.test', to: 'b@x.test' }, passwordHash: '$argon2id$…' },
    recoveryCode: '1234-5678',
    otp: '123456',
    clientSecret: 's',
    at: new Date('2026-01-02T03:04:05.000Z'),
    missing: undefined,
    passwordChanged: true,
    must_change_password: { from: 0, to: 1 },
  };
  assert.deepEqual(JSON.parse(redactedJson(details)), {
    username: 'ann',
    password: '[redacted]',
    nested: { apiKey: '[redacted]', list: [{ token: '[redacted]', note: 'kept' }, 'plain'] },
    changes: { email: { from: 'a@x.test', to: 'b@x.test' }, passwordHash: '[redacted]' },
    recoveryCode: '[redacted]',
    otp: '[redacted]',
    clientSecret: '[redacted]',
    at: '2026-01-02T03:04:05.000Z',
    passwordChanged: true,
    must_change_password: { from: 0, to: 1 },
  });
  for (const secret of ['hunter2', 'gh_live_1', 't1', '$argon2id', '1234-5678', '123456'])
    assert.ok(!redactedJson(details).includes(secret), secret);
});
