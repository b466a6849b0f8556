/**
 * One-time tokens mailed to a user: recovery, email verification, email change. Each is ≥128 bits from
 * crypto.randomBytes, stored only as its SHA-256 hash (looked up by hash, so no secret is ever compared in
 * variable time), bound to one user and one purpose, short-lived, and redeemed by a conditional UPDATE that
 * succeeds for exactly one caller however many race (Keycloak CVE-2026-1035).
 */
import type { Selectable } from 'kysely';
import { type Clock, iso } from '../../clock.ts';
import { hashToken, newId, randomToken } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { type Actor, recordEvent } from '../events/events.service.ts';

export type TokenPurpose = 'recovery' | 'verify-email' | 'email-change';

export interface AccountTokensTable {
  id: string;
  user_id: string;
  purpose: string;
  token_hash: string;
  email: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
export type AccountTokenRow = Selectable<AccountTokensTable>;

declare module '../../db/database.ts' {
  interface Database {
    account_tokens: AccountTokensTable;
  }
}

export class AccountTokens {
  constructor(private readonly clock: Clock) {}

  /** Issues a token; any earlier unused token of the same user and purpose dies with it. */
  async issue(
    db: Db,
    userId: string,
    purpose: TokenPurpose,
    ttlMs: number,
    email: string | null = null,
  ): Promise<{ token: string; expiresAt: string }> {
    const now = this.clock.now();
    await this.revokeAll(db, userId, purpose);
    const token = randomToken(32);
    const expiresAt = iso(new Date(now.getTime() + ttlMs));
    await db
      .insertInto('account_tokens')
      .values({
        id: newId(now),
        user_id: userId,
        purpose,
        token_hash: hashToken(token),
        email,
        created_at: iso(now),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    return { token, expiresAt };
  }

  /** Reads a live token without using it (to show a page, or to check a password against its user first). */
  async peek(db: Db, token: string, purposes: TokenPurpose[]): Promise<AccountTokenRow | undefined> {
    return db
      .selectFrom('account_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .where('purpose', 'in', purposes)
      .where('used_at', 'is', null)
      .where('expires_at', '>', iso(this.clock.now()))
      .executeTakeFirst();
  }

  /** Uses a token: exactly one concurrent caller gets the row; the others (and any later one) get undefined. */
  async consume(db: Db, token: string, purposes: TokenPurpose[]): Promise<AccountTokenRow | undefined> {
    const now = iso(this.clock.now());
    const hash = hashToken(token);
    const result = await db
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('purpose', 'in', purposes)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return db.selectFrom('account_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  /** Kills every unused token of a user for a purpose (a newer one was issued, or the password was reset). */
  async revokeAll(db: Db, userId: string, purpose: TokenPurpose): Promise<void> {
    await db
      .deleteFrom('account_tokens')
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }
}

/** Runs a token redemption; a refused token (unknown, used, expired) is recorded as a failed attempt (ASVS 16.3.1). */
export async function auditTokenRefusal<T>(
  db: Db,
  clock: Clock,
  actor: Actor,
  action: string,
  redeem: () => Promise<T>,
): Promise<T> {
  try {
    return await redeem();
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOKEN_INVALID') {
      await recordEvent(db, clock, actor, {
        action,
        target: null,
        outcome: 'failure',
        details: { reason: 'token-invalid' },
      });
    }
    throw error;
  }
}
