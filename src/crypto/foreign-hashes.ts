/**
 * Password hashes imported from other systems, verified as they are and re-hashed with argon2id at the user's next
 * successful sign-in (auth.service.ts):
 * - bcrypt `$2a$` / `$2b$` / `$2y$` (bcryptjs);
 * - Django's PBKDF2: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`;
 * - Keycloak's PBKDF2 credential (`algorithm: pbkdf2-sha256`, `hashIterations`, base64 `salt` and `value`) written as
 *   `keycloak-pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>` (see docs/import-export.md).
 */
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type BcryptJs from 'bcryptjs';
import { lazyRequire } from '../lazy-require.ts';
import { registerForeignHashVerifier } from './passwords.ts';

/** Loaded at the first imported bcrypt hash verified, not at start (footprint). */
const bcrypt = lazyRequire<typeof BcryptJs>('bcryptjs');

const pbkdf2Async = promisify(pbkdf2);

/** Iteration bounds refuse absurd values that would turn a sign-in into a denial of service. */
const maxIterations = 2_000_000;

async function verifyPbkdf2(password: string, salt: Buffer, iterations: number, expected: Buffer): Promise<boolean> {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > maxIterations || expected.length < 16)
    return false;
  const actual = await pbkdf2Async(password, salt, iterations, expected.length, 'sha256');
  return timingSafeEqual(actual, expected);
}

export const foreignHashFormats = [
  {
    name: 'bcrypt',
    matches: (h: string) => /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(h),
    verify: (h: string, password: string) => bcrypt().compare(password, h),
  },
  {
    name: 'django-pbkdf2-sha256',
    matches: (h: string) => /^pbkdf2_sha256\$\d+\$[^$]+\$[A-Za-z0-9+/=]+$/.test(h),
    verify: (h: string, password: string) => {
      const [, iterations, salt, hash] = h.split('$');
      return verifyPbkdf2(
        password,
        Buffer.from(salt ?? '', 'utf8'),
        Number(iterations),
        Buffer.from(hash ?? '', 'base64'),
      );
    },
  },
  {
    name: 'keycloak-pbkdf2-sha256',
    matches: (h: string) => /^keycloak-pbkdf2-sha256\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(h),
    verify: (h: string, password: string) => {
      const [, iterations, salt, hash] = h.split('$');
      return verifyPbkdf2(
        password,
        Buffer.from(salt ?? '', 'base64'),
        Number(iterations),
        Buffer.from(hash ?? '', 'base64'),
      );
    },
  },
];

let registered = false;

/** Registers the verifiers once (called by the import feature when the app is built). */
export function registerForeignHashes(): void {
  if (registered) return;
  registered = true;
  for (const format of foreignHashFormats) registerForeignHashVerifier(format);
}

/** Whether an imported hash is one Gatehouse can verify (argon2 or a registered foreign format). */
export function isSupportedHash(hash: string): boolean {
  return /^\$argon2(id|i|d)\$/.test(hash) || foreignHashFormats.some((f) => f.matches(hash));
}
