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
  const bytes = Buffer.from(randomUUID().replaceAll('-', ''), 'hex');
  const ms = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
