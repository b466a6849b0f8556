/** Small crypto primitives: tokens, constant-time comparison, ids, AES-GCM. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hash } from '@node-rs/argon2';
import { decrypt, encrypt } from '../../src/crypto/encryption.ts';
import { argon2Params, hashPassword, normalizePassword, verifyPassword } from '../../src/crypto/passwords.ts';
import { hashToken, newId, randomToken, safeEqual } from '../../src/crypto/tokens.ts';

test('random tokens carry 256 bits by default and never repeat (ASVS 7.2.3)', () => {
  const a = randomToken();
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, randomToken());
  assert.match(hashToken(a), /^[0-9a-f]{64}$/);
});

test('safeEqual compares in constant time and handles unequal lengths (authentik CVE-2024-52307)', () => {
  assert.equal(safeEqual('abc', 'abc'), true);
  assert.equal(safeEqual('abc', 'abd'), false);
  assert.equal(safeEqual('abc', 'abcd'), false);
});

test('ids are time-ordered UUIDv7-shaped strings', () => {
  const a = newId(new Date(1_000));
  const b = newId(new Date(2_000));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a < b);
  // The first 48 bits are the milliseconds (RFC 9562 UUIDv7), the rest random.
  assert.match(newId(new Date(0x0123456789ab)), /^01234567-89ab-7/);
  const many = Array.from({ length: 10_000 }, () => newId(new Date(5_000)));
  assert.equal(new Set(many).size, many.length);
  assert.equal(new Set(many.map((id) => id.slice(15, 18))).size > 1000, true, 'random bits follow the version');
});

test('AES-256-GCM round-trips and detects tampering', () => {
  const key = randomBytes(32);
  const sealed = encrypt(key, 'JBSWY3DPEHPK3PXP');
  assert.equal(decrypt(key, sealed), 'JBSWY3DPEHPK3PXP');
  const [iv, tag, data] = sealed.split('.');
  // One bit of the ciphertext flipped (replacing its last characters with fixed ones left it unchanged 1 run in ~256).
  const flipped = Buffer.from(data ?? '', 'base64url');
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  assert.throws(() => decrypt(key, [iv, tag, flipped.toString('base64url')].join('.')));
  assert.throws(() => decrypt(randomBytes(32), sealed));
});

test('argon2id hashes with the OWASP parameters (ASVS 11.4.2)', async () => {
  const hash = await hashPassword('a password');
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.deepEqual(await verifyPassword(hash, 'a password'), { ok: true, needsRehash: false });
  assert.deepEqual(await verifyPassword(hash, 'A password'), { ok: false, needsRehash: false });
  assert.deepEqual(await verifyPassword('$unknown$format', 'a password'), { ok: false, needsRehash: false });
});

test("an argon2 hash with other parameters verifies and asks for a rehash; one with today's does not", async () => {
  const weaker = await hash(normalizePassword('a password'), { ...argon2Params, memoryCost: 4096, timeCost: 1 });
  assert.match(weaker, /^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
  assert.deepEqual(await verifyPassword(weaker, 'a password'), { ok: true, needsRehash: true });
  assert.deepEqual(await verifyPassword(weaker, 'another password'), { ok: false, needsRehash: false });
  // The rehash itself is the current form: the next sign-in does not rehash again.
  assert.equal((await verifyPassword(await hashPassword('a password'), 'a password')).needsRehash, false);
});
