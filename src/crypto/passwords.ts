/**
 * Password hashing: argon2id with OWASP parameters (m=19 MiB, t=2, p=1), computed on libuv's thread pool by
 * @node-rs/argon2 so the event loop never waits for a hash.
 * Passwords are NFKC-normalised and otherwise used exactly as typed: no trimming, no case change, no truncation.
 */
import { availableParallelism } from 'node:os';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import pLimit from 'p-limit';

/**
 * At most one hash per core, plus one, at a time. libuv's pool has four threads, and four hashes on two cores leave
 * the event loop one runnable thread among five: session checks waited behind sign-ins (p99 28 ms in bench/). Fewer
 * hash just as many per second (the cores are full either way), keep the loop's share of the CPU larger, and bound
 * the memory hashes take (19 MiB each) however many sign-ins arrive at once. The one extra keeps a core from idling
 * while the loop hands a finished hash its next one (one per core alone: sign-ins ÷ raw hashes 0.76, not ~0.82).
 */
const hashSlots = pLimit(availableParallelism() + 1);
const hash: typeof argonHash = (password, options) => hashSlots(() => argonHash(password, options));
const verify: typeof argonVerify = (hashed, password, options) =>
  hashSlots(() => argonVerify(hashed, password, options));

/** `algorithm: 2` is Argon2id (@node-rs/argon2's const enum cannot be imported under verbatimModuleSyntax). */
export const argon2Params = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * How a hash made with today's parameters begins (PHC string format). Derived, not written out a second time: a
 * stale copy after a change of parameters would find every hash outdated and hash every sign-in twice, for ever.
 */
const currentHashPrefix = `$argon2id$v=19$m=${argon2Params.memoryCost},t=${argon2Params.timeCost},p=${argon2Params.parallelism}$`;

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), argon2Params);
}

export type VerifyResult = { ok: boolean; needsRehash: boolean };

/** Verifiers for hash formats imported from other systems, registered by the import feature. */
const foreignVerifiers: Array<{
  matches(hash: string): boolean;
  verify(hash: string, password: string): Promise<boolean>;
}> = [];

export function registerForeignHashVerifier(verifier: (typeof foreignVerifiers)[number]): void {
  foreignVerifiers.push(verifier);
}

/** Verifies against a stored hash; `needsRehash` when it is not argon2id with today's parameters. */
export async function verifyPassword(stored: string, password: string): Promise<VerifyResult> {
  const normalized = normalizePassword(password);
  if (stored.startsWith('$argon2')) {
    const ok = await verify(stored, normalized).catch(() => false);
    return { ok, needsRehash: ok && !stored.startsWith(currentHashPrefix) };
  }
  const foreign = foreignVerifiers.find((v) => v.matches(stored));
  if (!foreign) return { ok: false, needsRehash: false };
  const ok = await foreign.verify(stored, normalized).catch(() => false);
  return { ok, needsRehash: ok };
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification when there is no account (or no password) to check against,
 * so a login for an unknown user cannot be told from a wrong password by timing (ASVS 6.3.8).
 */
export async function dummyVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword('gatehouse-dummy-password-for-timing');
  await verify(await dummyHash, normalizePassword(password)).catch(() => false);
}
