/**
 * Phone verification: a 6-digit code by SMS, hashed, living 10 minutes, 5 tries, bound to the number it was sent
 * to. Confirming it is the only way phone_verified becomes true (Zitadel CVE-2026-27946).
 */

import { type Clock, iso } from '../../clock.ts';
import { hashCode } from '../../crypto/secret-key.ts';
import { newId, safeEqual } from '../../crypto/tokens.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { SmsService } from '../../sms/sms.service.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import { type Actor, recordEvent } from '../events/events.service.ts';
import { type Factors, maskPhone, newNumericCode } from './mfa.factors.ts';
import { consumeCode, insertCode, latestCode, spendCodeTry } from './mfa.store.ts';

export const codeTtlMinutes = 10;
export const codeMaxTries = 5;

export class PhoneVerification {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly factors: Factors,
    private readonly sms: SmsService,
    private readonly writes: UserWrites,
  ) {}

  codeHash(purpose: string, ref: string, code: string): string {
    return hashCode(this.factors.keys.codeHmac, `${purpose}:${ref}:${code}`);
  }

  /** Sends a code to the user's phone and stores its hash. */
  async send(actor: Actor, user: UserRow): Promise<{ sentTo: string; expiresAt: string }> {
    const phone = user.phone;
    if (!phone) throw new AppError('VALIDATION_FAILED', { errors: [{ path: 'phone', message: 'is not set' }] });
    if (user.phone_verified === 1)
      throw new AppError('ALREADY_VERIFIED', { detail: 'The phone number is already verified' });
    const code = newNumericCode();
    await this.sms.send(phone, `Your Gatehouse verification code is ${code}. It expires in ${codeTtlMinutes} minutes.`);
    const now = this.clock.now();
    const expiresAt = iso(new Date(now.getTime() + codeTtlMinutes * 60_000));
    await this.db.transaction().execute(async (trx) => {
      await insertCode(trx, {
        id: newId(now),
        user_id: user.id,
        purpose: 'phone-verify',
        ref: phone,
        code_hash: this.codeHash('phone-verify', phone, code),
        attempts: 0,
        created_at: iso(now),
        expires_at: expiresAt,
        used_at: null,
      });
      await recordEvent(trx, this.clock, actor, {
        action: 'user.phone.code-sent',
        target: { type: 'user', id: user.id },
      });
    });
    return { sentTo: maskPhone(phone), expiresAt };
  }

  async confirm(actor: Actor, user: UserRow, code: string): Promise<{ phoneVerified: true }> {
    const now = iso(this.clock.now());
    const phone = user.phone ?? '';
    const row = phone ? await latestCode(this.db, user.id, 'phone-verify', phone) : undefined;
    const tried = row ? await spendCodeTry(this.db, row.id, now, codeMaxTries) : false;
    const right = row && tried && safeEqual(row.code_hash, this.codeHash('phone-verify', phone, code));
    const consumed = right ? await consumeCode(this.db, row.id, now) : false;
    if (!consumed) {
      await recordEvent(this.db, this.clock, actor, {
        action: 'user.phone.verify',
        target: { type: 'user', id: user.id },
        outcome: 'failure',
        details: { reason: !row ? 'no-code' : !tried ? 'expired-or-spent' : 'wrong-code' },
      });
      throw new AppError('MFA_CODE_INVALID', { errors: [{ path: 'code', message: 'is wrong or expired' }] });
    }
    await this.db.transaction().execute(async (trx) => {
      // Only the number the code went to becomes verified, even if the phone changed meanwhile.
      await this.writes.markPhoneVerified(trx, user.id, phone);
      await recordEvent(trx, this.clock, actor, { action: 'user.phone.verify', target: { type: 'user', id: user.id } });
    });
    return { phoneVerified: true };
  }
}
