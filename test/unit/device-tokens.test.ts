/** Device tokens of the brute-force defence (features/lockout/device-tokens.ts): signed, bound, expiring. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.ts';
import { DeviceTokens, tokensOfCookie } from '../../src/features/lockout/device-tokens.ts';

const key = new Uint8Array(randomBytes(32));

test('a device token names its account only, and only while unaltered and unexpired (OWASP device cookies, ASVS 6.3.1)', () => {
  const clock = new ManualClock();
  const tokens = new DeviceTokens(key, clock);
  const token = tokens.issue('user-a');
  const device = tokens.deviceOf([token], 'user-a');
  assert.match(device ?? '', /^[A-Za-z0-9_-]{22}$/);
  assert.equal(tokens.deviceOf([token], 'user-b'), null, 'another account');
  assert.equal(new DeviceTokens(new Uint8Array(randomBytes(32)), clock).deviceOf([token], 'user-a'), null, 'other key');
  const [payload, mac] = token.slice('gdt1_'.length).split('.') as [string, string];
  const forged = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('user-a', 'user-b'));
  assert.equal(tokens.deviceOf([`gdt1_${forged.toString('base64url')}.${mac}`], 'user-b'), null, 'renamed');
  // A changed MAC character: the first, since the last base64url character of a 32-byte MAC carries two unused
  // bits, and A↔B differ only in those: a token ending in A or B decoded to the same MAC and the test failed.
  const flipped = `${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
  assert.equal(tokens.deviceOf([`gdt1_${payload}.${flipped}`], 'user-a'), null, 'tampered MAC');
  assert.equal(tokens.deviceOf(['garbage', token], 'user-a'), device, 'the first valid one counts');
  clock.advance(180 * 86_400_000 + 1);
  assert.equal(tokens.deviceOf([token], 'user-a'), null, 'expired after 180 days');
});

test('the device cookie keeps the newest token per account, at most five accounts', () => {
  const tokens = new DeviceTokens(key, new ManualClock());
  let cookie = '';
  for (const user of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u2']) {
    cookie = tokens.cookieValue(tokens.issue(user), user, tokensOfCookie(cookie));
  }
  const held = tokensOfCookie(cookie);
  assert.equal(held.length, 5);
  const owners = ['u2', 'u6', 'u5', 'u4', 'u3'];
  for (const [i, user] of owners.entries()) assert.ok(tokens.deviceOf([held[i] as string], user), user);
  assert.equal(tokens.deviceOf(held, 'u1'), null, 'the oldest account dropped out');
});
