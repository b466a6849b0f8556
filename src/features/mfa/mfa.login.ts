/**
 * The second step of sign-in. After the password, a user with a confirmed factor gets an `mfaToken` instead of a
 * session: random, stored hashed, bound to the user, 5 minutes, 5 tries in all, used once, and never a session
 * token (Zitadel CVE-2025-64102/64103). A user without a factor whom `mfaRequired` covers gets an enrolment-only
 * token that reaches nothing but /api/auth/mfa/enrol/* (docs/decisions/0300-mfa-required-enrolment-token.md).
 */
import { type Clock, iso } from '../../clock.ts';
import { hashToken, newId, randomToken, safeEqual } from '../../crypto/tokens.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { SmsService } from '../../sms/sms.service.ts';
import { accessOf } from '../access/access.service.ts';
import type { SecondFactorPending } from '../auth/auth.service.ts';
import type { LoginResult, SignInSessions } from '../auth/sign-in-session.ts';
import { type Actor, recordEvent } from '../events/events.service.ts';
import type { ProofThrottle } from '../lockout/lockout.service.ts';
import type { Client } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { findUserById } from '../users/users.store.ts';
import { type Factors, type MfaMethod, maskPhone, newNumericCode } from './mfa.factors.ts';
import { codeTtlMinutes, type PhoneVerification } from './mfa.phone.ts';
import type { MfaService } from './mfa.service.ts';
import {
  consumeCode,
  consumePending,
  findPending,
  insertCode,
  insertPending,
  latestCode,
  type PendingRow,
  spendPendingTry,
} from './mfa.store.ts';

export const mfaTokenPrefix = 'ghm_';
export const mfaTokenTtlMs = 5 * 60_000;
export const mfaMaxTries = 5;

type Purpose = 'login' | 'enrol';

export class MfaLoginService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly factors: Factors,
    private readonly settings: SettingsService,
    private readonly phone: PhoneVerification,
    private readonly sms: SmsService,
    private readonly signIns: SignInSessions,
    private readonly mfa: MfaService,
    private readonly throttle: ProofThrottle,
  ) {}

  /** Runs after a correct password: null lets the session be issued, otherwise the pending answer. */
  async gate(user: UserRow, client: Client): Promise<SecondFactorPending | null> {
    // One read of the authenticators (the factors, not users.mfa_enabled, decide: deny by default).
    const confirmed = await this.factors.confirmed(user.id);
    if (confirmed.length > 0) {
      const methods = await this.factors.methodsFrom(user, confirmed);
      return { mfaRequired: true, mfaToken: await this.open(user, client, 'login'), methods };
    }
    if (!(await this.required(user))) return null;
    return {
      mfaRequired: true,
      mfaToken: await this.open(user, client, 'enrol'),
      methods: [],
      enrolmentRequired: true,
    };
  }

  /** `admins`: anyone holding any permission of the catalogue, globally or in an organization. */
  private async required(user: UserRow): Promise<boolean> {
    const { mfaRequired } = await this.settings.get();
    if (mfaRequired === 'all') return true;
    if (mfaRequired !== 'admins') return false;
    const access = await accessOf(this.db, user.id);
    return access.isAdmin || access.global.size > 0 || [...access.byOrganization.values()].some((p) => p.size > 0);
  }

  private async open(user: UserRow, client: Client, purpose: Purpose): Promise<string> {
    const now = this.clock.now();
    const token = mfaTokenPrefix + randomToken(32);
    await this.db.transaction().execute(async (trx) => {
      await insertPending(trx, {
        id: newId(now),
        user_id: user.id,
        purpose,
        token_hash: hashToken(token),
        attempts: 0,
        created_at: iso(now),
        expires_at: iso(new Date(now.getTime() + mfaTokenTtlMs)),
        used_at: null,
      });
      await recordEvent(trx, this.clock, actorOf(user, client), {
        action: purpose === 'login' ? 'auth.mfa.pending' : 'auth.mfa.enrolment-required',
        target: { type: 'user', id: user.id },
      });
    });
    return token;
  }

  /** A live pending sign-in of this purpose, or the generic 401. */
  private async live(mfaToken: string, purpose: Purpose): Promise<PendingRow> {
    const row = await findPending(this.db, hashToken(mfaToken));
    const ok = row && row.purpose === purpose && row.used_at === null && row.expires_at > iso(this.clock.now());
    if (!ok || row.attempts >= mfaMaxTries) throw new AppError('MFA_FAILED');
    return row;
  }

  /** Sends the SMS code for a pending sign-in, only to a verified number (ASVS 6.6.1). */
  async challenge(mfaToken: string, client: Client): Promise<{ sentTo: string; expiresAt: string }> {
    const pending = await this.live(mfaToken, 'login');
    const user = await findUserById(this.db, pending.user_id);
    if (!user || !(await this.factors.methodsOf(user)).includes('sms') || !user.phone) {
      throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'method', message: 'SMS is not available' }] });
    }
    const code = newNumericCode();
    await this.sms.send(user.phone, `Your Gatehouse sign-in code is ${code}. It expires in ${codeTtlMinutes} minutes.`);
    const now = this.clock.now();
    const expiresAt = iso(new Date(Math.min(now.getTime() + codeTtlMinutes * 60_000, Date.parse(pending.expires_at))));
    await insertCode(this.db, {
      id: newId(now),
      user_id: user.id,
      purpose: 'sms-login',
      ref: pending.id,
      code_hash: this.phone.codeHash('sms-login', pending.id, code),
      attempts: 0,
      created_at: iso(now),
      expires_at: expiresAt,
      used_at: null,
    });
    await recordEvent(this.db, this.clock, actorOf(user, client), {
      action: 'auth.mfa.challenge',
      target: { type: 'user', id: user.id },
      details: { method: 'sms' },
    });
    return { sentTo: maskPhone(user.phone), expiresAt };
  }

  /**
   * Completes a sign-in with a TOTP, SMS or recovery code. Each try is spent before the code is checked: on the
   * mfaToken (5 in all) and on the account's second-factor lockout counter, which a new mfaToken does not reset,
   * so parallel guesses over many mfaTokens check no more codes than the lockout threshold.
   */
  async complete(mfaToken: string, method: MfaMethod, code: string, client: Client): Promise<LoginResult> {
    const pending = await this.live(mfaToken, 'login');
    const now = iso(this.clock.now());
    const user = await findUserById(this.db, pending.user_id);
    const attempt = await this.throttle(pending.user_id, actorOf(user, client), 'code');
    const tried = await spendPendingTry(this.db, pending.id, now, mfaMaxTries);
    const right = tried && user?.status === 'active' && (await this.redeem(pending, method, code, now));
    await (right ? attempt.succeeded() : attempt.failed());
    if (!user || !right) {
      await recordEvent(this.db, this.clock, actorOf(user, client), {
        action: 'auth.mfa',
        target: { type: 'user', id: pending.user_id },
        outcome: 'failure',
        details: { method, reason: tried ? 'wrong-code' : 'no-tries-left' },
      });
      throw new AppError('MFA_FAILED');
    }
    await recordEvent(this.db, this.clock, actorOf(user, client), {
      action: 'auth.mfa',
      target: { type: 'user', id: user.id },
      details: { method },
    });
    return this.signIns.issue(user, client);
  }

  /**
   * Ends the pending sign-in and spends the code in one transaction. Checked apart, each of several parallel
   * completions of one mfaToken spent its own code (up to five recovery codes for one session, found by the
   * robustness races); now only the completion that ends the sign-in spends one. A wrong code rolls the ending
   * back, so the tries left stay usable.
   */
  private async redeem(pending: PendingRow, method: MfaMethod, code: string, now: string): Promise<boolean> {
    const wrongCode = new Error('wrong code');
    try {
      return await this.db.transaction().execute(async (trx) => {
        if (!(await consumePending(trx, pending.id, now))) return false;
        if (!(await this.check(trx, pending, method, code))) throw wrongCode;
        return true;
      });
    } catch (error) {
      if (error === wrongCode) return false;
      throw error;
    }
  }

  private async check(trx: Db, pending: PendingRow, method: MfaMethod, code: string): Promise<boolean> {
    if (method === 'totp') return (await this.factors.verifyTotp(pending.user_id, code, trx)) !== null;
    if (method === 'recovery') return this.factors.verifyRecovery(pending.user_id, code, trx);
    const row = await latestCode(trx, pending.user_id, 'sms-login', pending.id);
    const now = iso(this.clock.now());
    if (!row || row.expires_at <= now) return false;
    if (!safeEqual(row.code_hash, this.phone.codeHash('sms-login', pending.id, code))) return false;
    return consumeCode(trx, row.id, now);
  }

  /** mfaRequired: the enrolment-only token starts a TOTP enrolment (no password again: it was just given). */
  async enrolStart(mfaToken: string, client: Client) {
    const pending = await this.live(mfaToken, 'enrol');
    const user = await findUserById(this.db, pending.user_id);
    if (user?.status !== 'active') throw new AppError('MFA_FAILED');
    return this.mfa.startTotp({ actor: actorOf(user, client), user, sessionId: null }, null);
  }

  /** Confirms the enrolment and only then opens the session. */
  async enrolConfirm(mfaToken: string, code: string, client: Client) {
    const pending = await this.live(mfaToken, 'enrol');
    const now = iso(this.clock.now());
    const user = await findUserById(this.db, pending.user_id);
    if (user?.status !== 'active' || !(await spendPendingTry(this.db, pending.id, now, mfaMaxTries))) {
      throw new AppError('MFA_FAILED');
    }
    const self = { actor: actorOf(user, client), user, sessionId: null };
    const { recoveryCodes } = await this.mfa.confirmTotp(self, code);
    if (!(await consumePending(this.db, pending.id, now))) throw new AppError('MFA_FAILED');
    const fresh = (await findUserById(this.db, user.id)) ?? user;
    return { ...(await this.signIns.issue(fresh, client)), recoveryCodes };
  }
}

function actorOf(user: UserRow | undefined, client: Client): Actor {
  return {
    type: user ? 'user' : 'anonymous',
    id: user?.id ?? null,
    name: user?.username ?? null,
    ip: client.ip,
    userAgent: client.userAgent,
  };
}
