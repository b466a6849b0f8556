/**
 * The primitives every second-factor flow shares: checking a TOTP or recovery code (each accepted once), making
 * recovery codes, listing the methods a user can sign in with, and keeping users.mfa_enabled in step.
 */

import { randomBytes, randomInt } from 'node:crypto';
import { type Clock, iso } from '../../clock.ts';
import { decrypt } from '../../crypto/encryption.ts';
import { hashCode, type SecretKeys } from '../../crypto/secret-key.ts';
import { newId } from '../../crypto/tokens.ts';
import { matchTotp } from '../../crypto/totp.ts';
import type { Db, UserRow } from '../../db/database.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import {
  type AuthenticatorRow,
  claimRecoveryCode,
  claimTotpStep,
  countUnusedRecoveryCodes,
  listAuthenticators,
  replaceRecoveryCodes,
} from './mfa.store.ts';

export const recoveryCodeCount = 10;
/** Crockford-like alphabet without 0/O/1/I: codes get typed from paper. */
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type MfaMethod = 'totp' | 'sms' | 'recovery';

/** 10 characters of a 32-letter alphabet (50 bits), shown as XXXXX-XXXXX. */
export function newRecoveryCode(): string {
  const chars = [...randomBytes(10)].map((b) => alphabet[b % 32]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** A 6-digit code from the CSPRNG, zero padded. */
export function newNumericCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function maskPhone(phone: string): string {
  return `${'•'.repeat(Math.max(0, phone.length - 4))}${phone.slice(-4)}`;
}

export class Factors {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly keys: SecretKeys,
    private readonly writes: UserWrites,
  ) {}

  async confirmed(userId: string, db: Db = this.db): Promise<AuthenticatorRow[]> {
    return (await listAuthenticators(db, userId)).filter((a) => a.confirmed_at !== null);
  }

  /** Accepts a TOTP code of any confirmed authenticator once: its time step is claimed atomically. */
  async verifyTotp(userId: string, code: string, db: Db = this.db): Promise<string | null> {
    const now = this.clock.now();
    for (const a of await this.confirmed(userId, db)) {
      if (a.type !== 'totp' || !a.secret_enc) continue;
      const secret = this.openSecret(a.secret_enc);
      const step = secret === null ? null : matchTotp(secret, code.replace(/\s/g, ''), now);
      if (step !== null && (await claimTotpStep(db, a.id, step, iso(now)))) return a.id;
    }
    return null;
  }

  /**
   * The TOTP seed in clear, or null when it cannot be opened (the secret key changed: GATEHOUSE_SECRET_KEY lost
   * or a different one on this node). Such an authenticator fails closed instead of answering 500.
   */
  openSecret(sealed: string): string | null {
    try {
      return decrypt(this.keys.encryption, sealed);
    } catch {
      return null;
    }
  }

  async verifyRecovery(userId: string, code: string, db: Db = this.db): Promise<boolean> {
    const hash = this.recoveryHash(normaliseRecoveryCode(code));
    return claimRecoveryCode(db, userId, hash, iso(this.clock.now()));
  }

  recoveryHash(normalised: string): string {
    return hashCode(this.keys.codeHmac, `recovery:${normalised}`);
  }

  /** Replaces the user's recovery codes with ten new ones and answers them in clear, once. */
  async issueRecoveryCodes(trx: Db, userId: string): Promise<string[]> {
    const now = iso(this.clock.now());
    const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
    const rows = codes.map((code) => ({
      id: newId(this.clock.now()),
      user_id: userId,
      code_hash: this.recoveryHash(normaliseRecoveryCode(code)),
      used_at: null,
      created_at: now,
    }));
    await replaceRecoveryCodes(trx, userId, rows);
    return codes;
  }

  /** The methods a user can finish a sign-in with now: SMS only while the phone is verified. */
  async methodsOf(user: UserRow, db: Db = this.db): Promise<MfaMethod[]> {
    return this.methodsFrom(user, await this.confirmed(user.id, db), db);
  }

  /** The same, from the user's confirmed authenticators when the caller has just read them. */
  async methodsFrom(user: UserRow, confirmed: AuthenticatorRow[], db: Db = this.db): Promise<MfaMethod[]> {
    const types = new Set(confirmed.map((a) => a.type));
    const methods: MfaMethod[] = [];
    if (types.has('totp')) methods.push('totp');
    if (types.has('sms') && user.phone && user.phone_verified === 1) methods.push('sms');
    if (types.size && (await countUnusedRecoveryCodes(db, user.id)) > 0) methods.push('recovery');
    return methods;
  }

  /** Sets users.mfa_enabled from the confirmed factors; without any, the recovery codes go too. */
  async sync(trx: Db, userId: string): Promise<boolean> {
    const enabled = (await this.confirmed(userId, trx)).length > 0;
    if (!enabled) await replaceRecoveryCodes(trx, userId, []);
    await this.writes.syncMfaFlag(trx, userId, enabled);
    return enabled;
  }
}
