/** Random tokens, their hashes, and constant-time comparison. Small pure functions, auditable at a glance. */
import crypto, { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * One-shot SHA-256 (`crypto.hash`, Node 20.12+) where the runtime has it: it allocates no Hash object, whose native
 * handle costs the garbage collector on every request of the session check; `createHash` on older runtimes.
 */
type OneShotHash = (algorithm: string, data: string | Buffer, outputEncoding?: 'hex' | 'buffer') => string | Buffer;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

function sha256Hex(data: string): string {
  return oneShot ? (oneShot('sha256', data, 'hex') as string) : createHash('sha256').update(data, 'utf8').digest('hex');
}

function sha256(data: string): Buffer {
  return oneShot ? (oneShot('sha256', data, 'buffer') as Buffer) : createHash('sha256').update(data, 'utf8').digest();
}

/** A URL-safe random token of `bytes` bytes (default 32 = 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a token: tokens are stored only as this. High-entropy tokens need no slow hash. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/** Compares two strings in constant time by comparing their SHA-256 digests (equal length by construction). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * A time-ordered opaque id (UUID v7 layout): creation order matches index order, which keeps B-tree inserts
 * local and lets `id` break ties in cursor pagination.
 */
export function newId(now: Date = new Date()): string {
  // randomUUID's text with its first 12 hex digits replaced by the time and its version digit by 7; string work
  // only (decoding to bytes and back cost ~1.5 µs per id, and every insert takes one).
  const time = now.getTime().toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
