/**
 * The server's secret key (32 bytes): GATEHOUSE_SECRET_KEY (hex or base64), or generated once into
 * <dataDir>/secret.key (mode 0600). Purpose-bound subkeys are derived with HKDF so one key never serves two uses.
 * Several nodes sharing one database must share the key: set GATEHOUSE_SECRET_KEY for them.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type SecretKeys = {
  /** AES-256-GCM key for TOTP seeds. */
  encryption: Uint8Array;
  /** HMAC key for short codes (SMS, recovery): a stolen table alone cannot be brute-forced offline. */
  codeHmac: Uint8Array;
  /** AES-256-GCM key for the OpenID Connect signing keys' private parts. */
  oidcKeys: Uint8Array;
  /** HMAC key for device tokens (brute-force defence, features/lockout/device-tokens.ts). */
  deviceHmac: Uint8Array;
  /** HMAC key binding the CSRF token to its session (http/cookies.ts). */
  csrfHmac: Uint8Array;
};

export function parseSecretKey(text: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) throw new Error('GATEHOUSE_SECRET_KEY must be 32 bytes, hex or base64');
  return new Uint8Array(bytes);
}

/** Reads the key file, or creates it exclusively (two processes starting at once end with one key). */
function keyFromFile(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'secret.key');
  try {
    return parseSecretKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseSecretKey(readFileSync(file, 'utf8'));
}

export function loadSecretKeys(options: { secretKey: string | undefined; dataDir: string }): SecretKeys {
  const master = options.secretKey ? parseSecretKey(options.secretKey) : keyFromFile(options.dataDir);
  const derive = (info: string) => new Uint8Array(hkdfSync('sha256', master, new Uint8Array(0), info, 32));
  return {
    encryption: derive('gatehouse totp-secret'),
    codeHmac: derive('gatehouse code-hash'),
    oidcKeys: derive('gatehouse oidc-signing-keys'),
    deviceHmac: derive('gatehouse device-token'),
    csrfHmac: derive('gatehouse csrf-token'),
  };
}

/** HMAC-SHA256 hex of a short code under the code key. */
export function hashCode(key: Uint8Array, code: string): string {
  return createHmac('sha256', key).update(code, 'utf8').digest('hex');
}
