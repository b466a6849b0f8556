/**
 * Self-service and admin management of second factors. Every change needs a fresh proof (the current password or
 * a TOTP/recovery code, ASVS 7.5.1), is one transaction with its audit event, keeps users.mfa_enabled in step,
 * and may end the user's other sessions (ASVS 7.4.3).
 */
import type QRCodeModule from 'qrcode';
import { type Clock, iso } from '../../clock.ts';
import { encrypt } from '../../crypto/encryption.ts';
import { verifyPassword } from '../../crypto/passwords.ts';
import { newId } from '../../crypto/tokens.ts';
import { matchTotp, newTotpSecret, totpUri } from '../../crypto/totp.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { lazyRequire } from '../../lazy-require.ts';
import type { Caller } from '../access/caller.ts';
import { type Actor, recordEvent } from '../events/events.service.ts';
import type { ProofThrottle } from '../lockout/lockout.service.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { type Factors, maskPhone } from './mfa.factors.ts';
import {
  type AuthenticatorRow,
  confirmAuthenticator,
  countUnusedRecoveryCodes,
  deleteAuthenticator,
  deleteUnconfirmed,
  findAuthenticator,
  insertAuthenticator,
  listAuthenticators,
} from './mfa.store.ts';

const qrcode = lazyRequire<typeof QRCodeModule>('qrcode');

export type Proof = { currentPassword?: string | undefined; mfaCode?: string | undefined };
export type Self = { actor: Actor; user: UserRow; sessionId: string | null };
export type AuthenticatorDto = {
  id: string;
  type: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
};

/** An unconfirmed TOTP enrolment is abandoned after this long. */
const enrolmentTtlMs = 15 * 60_000;
export const totpIssuer = 'Gatehouse';

export function authenticatorDto(a: AuthenticatorRow): AuthenticatorDto {
  return { id: a.id, type: a.type, label: a.label, createdAt: a.created_at, lastUsedAt: a.last_used_at };
}

/** Sends the "your factors changed" mail inside the changing transaction. */
export type FactorChangeNotifier = (trx: Db, userId: string, change: string) => Promise<void>;

export class MfaService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly factors: Factors,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    /** Mails the owner after any change of its factors (ASVS 6.3.7). */
    private readonly notifier: FactorChangeNotifier,
    /** The lockout counters each fresh proof is reserved on before it is checked. */
    private readonly throttle: ProofThrottle,
  ) {}

  private async tellOwner(trx: Db, userId: string, change: string): Promise<void> {
    await this.notifier(trx, userId, change);
  }

  /** Fresh proof of the account holder (ASVS 7.5.1): the password, or a TOTP or recovery code (spent). */
  async prove(self: Self, proof: Proof): Promise<void> {
    const { user } = self;
    // A stolen session must not become a password or code oracle: each guess is reserved on the lockout counters
    // BEFORE it is checked, so parallel wrong proofs check no more than the threshold and then meet the lock.
    // (Counting failures after the check let 50 parallel guesses all pass the count.)
    const byPassword = Boolean(proof.currentPassword && user.password_hash);
    const attempt =
      byPassword || proof.mfaCode ? await this.throttle(user.id, self.actor, byPassword ? 'password' : 'code') : null;
    let ok = false;
    if (byPassword && user.password_hash && proof.currentPassword) {
      ok = (await verifyPassword(user.password_hash, proof.currentPassword)).ok;
    } else if (proof.mfaCode) {
      const code = proof.mfaCode;
      ok = /^\d{6}$/.test(code)
        ? (await this.factors.verifyTotp(user.id, code)) !== null
        : await this.factors.verifyRecovery(user.id, code);
    }
    await (ok ? attempt?.succeeded() : attempt?.failed());
    if (ok) return;
    await recordEvent(this.db, this.clock, self.actor, {
      action: 'mfa.reauthenticate',
      target: { type: 'user', id: user.id },
      outcome: 'failure',
    });
    throw new AppError('REAUTHENTICATION_REQUIRED');
  }

  async overview(user: UserRow) {
    const items = (await this.factors.confirmed(user.id)).map(authenticatorDto);
    return {
      items,
      recoveryCodesRemaining: await countUnusedRecoveryCodes(this.db, user.id),
      smsEnabled: items.some((a) => a.type === 'sms'),
      phoneVerified: user.phone_verified === 1,
    };
  }

  /** Starts a TOTP enrolment; it signs nothing in until confirmed with a correct code. */
  async startTotp(self: Self, proof: Proof | null) {
    if (proof) await this.prove(self, proof);
    const now = this.clock.now();
    const secret = newTotpSecret();
    const otpauthUrl = totpUri(secret, totpIssuer, self.user.email ?? self.user.username);
    const row: AuthenticatorRow = {
      id: newId(now),
      user_id: self.user.id,
      type: 'totp',
      secret_enc: encrypt(this.factors.keys.encryption, secret),
      label: 'Authenticator app',
      confirmed_at: null,
      last_used_step: null,
      last_used_at: null,
      created_at: iso(now),
    };
    await this.db.transaction().execute(async (trx) => {
      await deleteUnconfirmed(trx, self.user.id, 'totp');
      await insertAuthenticator(trx, row);
      await recordEvent(trx, this.clock, self.actor, {
        action: 'mfa.totp.enrol',
        target: { type: 'authenticator', id: row.id },
        details: { userId: self.user.id },
      });
    });
    return { id: row.id, secret, otpauthUrl, qrSvg: await qrcode().toString(otpauthUrl, { type: 'svg', margin: 1 }) };
  }

  /** Confirms the pending TOTP enrolment; the first factor brings ten recovery codes. */
  async confirmTotp(self: Self, code: string, endOtherSessions = false) {
    const now = this.clock.now();
    const pending = (await listAuthenticators(this.db, self.user.id))
      .filter((a) => a.type === 'totp' && a.confirmed_at === null)
      .at(-1);
    const fresh = pending && now.getTime() - new Date(pending.created_at).getTime() < enrolmentTtlMs;
    const secret = fresh && pending.secret_enc ? this.factors.openSecret(pending.secret_enc) : null;
    const step = secret === null ? null : matchTotp(secret, code, now);
    if (!pending || step === null) {
      await recordEvent(this.db, this.clock, self.actor, {
        action: 'mfa.totp.confirm',
        target: { type: 'user', id: self.user.id },
        outcome: 'failure',
      });
      throw new AppError('MFA_CODE_INVALID', { errors: [{ path: 'code', message: 'is wrong or expired' }] });
    }
    return this.db.transaction().execute(async (trx) => {
      if (!(await confirmAuthenticator(trx, pending.id, iso(now), step))) throw new AppError('MFA_CODE_INVALID');
      const first = (await this.factors.confirmed(self.user.id, trx)).length === 1;
      const recoveryCodes = first ? await this.factors.issueRecoveryCodes(trx, self.user.id) : [];
      await this.factors.sync(trx, self.user.id);
      const sessionsEnded = await this.endOthers(trx, self, endOtherSessions);
      await this.tellOwner(trx, self.user.id, 'an authenticator app was added');
      await recordEvent(trx, this.clock, self.actor, {
        action: 'mfa.totp.confirm',
        target: { type: 'authenticator', id: pending.id },
        details: { userId: self.user.id, sessionsEnded },
      });
      return { id: pending.id, recoveryCodes, sessionsEnded };
    });
  }

  async regenerateRecoveryCodes(self: Self, proof: Proof, endOtherSessions = false) {
    await this.prove(self, proof);
    if (!(await this.factors.confirmed(self.user.id)).length) {
      throw new AppError('MFA_NOT_ENROLLED', { detail: 'Recovery codes need a second factor first' });
    }
    return this.db.transaction().execute(async (trx) => {
      const recoveryCodes = await this.factors.issueRecoveryCodes(trx, self.user.id);
      const sessionsEnded = await this.endOthers(trx, self, endOtherSessions);
      await this.tellOwner(trx, self.user.id, 'new recovery codes were made');
      await recordEvent(trx, this.clock, self.actor, {
        action: 'mfa.recovery-codes.regenerate',
        target: { type: 'user', id: self.user.id },
        details: { sessionsEnded },
      });
      return { recoveryCodes, sessionsEnded };
    });
  }

  /** SMS as a second factor, only for a verified phone (ASVS 6.6.1). */
  async setSms(self: Self, enabled: boolean, proof: Proof, endOtherSessions = false) {
    await this.prove(self, proof);
    const { user } = self;
    if (enabled && (!user.phone || user.phone_verified !== 1)) throw new AppError('PHONE_NOT_VERIFIED');
    const existing = (await this.factors.confirmed(user.id)).filter((a) => a.type === 'sms');
    const now = iso(this.clock.now());
    return this.db.transaction().execute(async (trx) => {
      let recoveryCodes: string[] = [];
      if (enabled && !existing.length) {
        const first = (await this.factors.confirmed(user.id, trx)).length === 0;
        await insertAuthenticator(trx, {
          id: newId(this.clock.now()),
          user_id: user.id,
          type: 'sms',
          secret_enc: null,
          label: maskPhone(user.phone ?? ''),
          confirmed_at: now,
          last_used_step: null,
          last_used_at: null,
          created_at: now,
        });
        if (first) recoveryCodes = await this.factors.issueRecoveryCodes(trx, user.id);
      }
      if (!enabled) for (const a of existing) await deleteAuthenticator(trx, user.id, a.id);
      await this.factors.sync(trx, user.id);
      const sessionsEnded = await this.endOthers(trx, self, endOtherSessions);
      await this.tellOwner(
        trx,
        user.id,
        enabled ? 'sign-in codes by SMS were turned on' : 'sign-in codes by SMS were turned off',
      );
      await recordEvent(trx, this.clock, self.actor, {
        action: enabled ? 'mfa.sms.enable' : 'mfa.sms.disable',
        target: { type: 'user', id: user.id },
        details: { sessionsEnded },
      });
      return { enabled, recoveryCodes, sessionsEnded };
    });
  }

  async removeOwn(self: Self, id: string, proof: Proof, endOtherSessions = false) {
    await this.prove(self, proof);
    return this.remove(self.actor, self.user.id, id, (trx) => this.endOthers(trx, self, endOtherSessions));
  }

  async listFor(caller: Caller, userId: string) {
    const user = await this.users.getRowFor(caller, userId, 'users:read');
    return { items: (await this.factors.confirmed(user.id)).map(authenticatorDto) };
  }

  /** The lost-phone case: an administrator removes one of a user's authenticators. */
  async removeFor(caller: Caller, userId: string, id: string) {
    const user = await this.users.getRowFor(caller, userId, 'users:write');
    await this.remove(caller.actor, user.id, id, async () => 0);
  }

  private async remove(actor: Actor, userId: string, id: string, after: (trx: Db) => Promise<number>) {
    const row = await findAuthenticator(this.db, userId, id);
    if (!row || row.confirmed_at === null) throw new AppError('NOT_FOUND', { detail: 'No such authenticator' });
    return this.db.transaction().execute(async (trx) => {
      await deleteAuthenticator(trx, userId, id);
      const mfaEnabled = await this.factors.sync(trx, userId);
      const sessionsEnded = await after(trx);
      await this.tellOwner(
        trx,
        userId,
        actor.id === userId ? `a ${row.type} factor was removed` : `an administrator removed a ${row.type} factor`,
      );
      await recordEvent(trx, this.clock, actor, {
        action: 'mfa.authenticator.remove',
        target: { type: 'authenticator', id },
        details: { userId, type: row.type, byAdmin: actor.id !== userId, sessionsEnded },
      });
      return { mfaEnabled, sessionsEnded };
    });
  }

  private async endOthers(trx: Db, self: Self, wanted: boolean): Promise<number> {
    if (!wanted) return 0;
    const except = self.sessionId ?? undefined;
    return this.sessions.revokeAllOf(self.user.id, { db: trx, ...(except ? { except } : {}) });
  }
}
