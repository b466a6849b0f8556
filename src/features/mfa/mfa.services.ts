/** Wires the second-factor services once per app; services.ts hands their sign-in step to the password sign-in. */

import { iso } from '../../clock.ts';
import { loadSecretKeys } from '../../crypto/secret-key.ts';
import type { Db } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import type { MailService } from '../../mail/mail.service.ts';
import { SmsService } from '../../sms/sms.service.ts';
import type { SignInSessions } from '../auth/sign-in-session.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import type { ProofThrottle } from '../lockout/lockout.service.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { findUserById } from '../users/users.store.ts';
import { Factors } from './mfa.factors.ts';
import { MfaLoginService } from './mfa.login.ts';
import { PhoneVerification } from './mfa.phone.ts';
import { MfaService } from './mfa.service.ts';

export function createMfaServices(
  deps: Deps,
  s: {
    settings: SettingsService;
    sessions: SessionsService;
    users: UsersService;
    signIns: SignInSessions;
    mail: MailService;
    userWrites: UserWrites;
    proofThrottle: ProofThrottle;
  },
) {
  const { db, clock, config } = deps;
  const keys = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir });
  const factors = new Factors(db, clock, keys, s.userWrites);
  const sms = new SmsService(db, clock, config.smsUrl);
  const tellOwner = async (trx: Db, userId: string, change: string) => {
    const user = await findUserById(trx, userId);
    if (user?.email)
      await s.mail.enqueue(trx, user.email, {
        kind: 'factors-changed',
        username: user.username,
        change,
        at: iso(clock.now()),
      });
  };
  const mfa = new MfaService(db, clock, factors, s.sessions, s.users, tellOwner, s.proofThrottle);
  const phoneVerification = new PhoneVerification(db, clock, factors, sms, s.userWrites);
  const mfaLogin = new MfaLoginService(
    db,
    clock,
    factors,
    s.settings,
    phoneVerification,
    sms,
    s.signIns,
    mfa,
    s.proofThrottle,
  );
  return { sms, mfa, phoneVerification, mfaLogin };
}
