/** The server secret key: from GATEHOUSE_SECRET_KEY, or generated once into the data dir with mode 0600. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decrypt, encrypt } from '../../src/crypto/encryption.ts';
import { loadSecretKeys, parseSecretKey } from '../../src/crypto/secret-key.ts';
import { matchTotp, newTotpSecret, totpStep } from '../../src/crypto/totp.ts';

test('without GATEHOUSE_SECRET_KEY a key is generated once into <dataDir>/secret.key with mode 0600', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-key-'));
  try {
    const dataDir = path.join(dir, 'nested');
    const first = loadSecretKeys({ secretKey: undefined, dataDir });
    const info = await stat(path.join(dataDir, 'secret.key'));
    assert.equal(info.mode & 0o777, 0o600);
    const again = loadSecretKeys({ secretKey: undefined, dataDir });
    assert.deepEqual(again, first, 'a restart reads the same key back');
    const sealed = encrypt(first.encryption, 'JBSWY3DPEHPK3PXP');
    assert.equal(decrypt(again.encryption, sealed), 'JBSWY3DPEHPK3PXP');
    assert.notDeepEqual(first.encryption, first.codeHmac, 'one subkey per purpose');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('GATEHOUSE_SECRET_KEY is read as hex or base64 and must be 32 bytes', () => {
  const bytes = randomBytes(32);
  assert.deepEqual(parseSecretKey(bytes.toString('hex')), new Uint8Array(bytes));
  assert.deepEqual(parseSecretKey(bytes.toString('base64')), new Uint8Array(bytes));
  assert.throws(() => parseSecretKey(randomBytes(16).toString('hex')), /32 bytes/);
  const a = loadSecretKeys({ secretKey: bytes.toString('hex'), dataDir: '/nonexistent/never-written' });
  const b = loadSecretKeys({ secretKey: bytes.toString('base64'), dataDir: '/nonexistent/never-written' });
  assert.deepEqual(a, b);
});

test('a TOTP code matches its own step and the neighbours, not two steps away (RFC 6238)', async () => {
  const { TOTP, Secret } = await import('otpauth');
  const secret = newTotpSecret();
  const now = new Date('2026-11-22T12:00:10Z');
  const code = (at: Date) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
  assert.equal(matchTotp(secret, code(now), now), totpStep(now));
  assert.equal(matchTotp(secret, code(new Date(now.getTime() - 30_000)), now), totpStep(now) - 1);
  assert.equal(matchTotp(secret, code(new Date(now.getTime() + 30_000)), now), totpStep(now) + 1);
  assert.equal(matchTotp(secret, code(new Date(now.getTime() - 60_000)), now), null);
  assert.equal(matchTotp(secret, 'abcdef', now), null);
});
