/** Wires the second-factor services once per app and plugs the MFA step into the password sign-in. */

import { iso } from '../../clock.ts';
import { loadSecretKeys } from '../../crypto/secret-key.ts';
import type { MailService } from '../../mail/mail.service.ts';
import type { Deps } from '../../services.ts';
import { SmsService } from '../../sms/sms.service.ts';
import type { AuthService } from '../auth/auth.service.ts';
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
    auth: AuthService;
    mail: MailService;
    proofThrottle: ProofThrottle;
  },
) {
  const { db, clock, config } = deps;
  const keys = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir });
  const factors = new Factors(db, clock, keys);
  const sms = new SmsService(db, clock, config.smsUrl);
  const mfa = new MfaService(db, clock, factors, s.sessions, s.users, s.proofThrottle);
  mfa.setNotifier(async (trx, userId, change) => {
    const user = await findUserById(trx, userId);
    if (user?.email)
      await s.mail.enqueue(trx, user.email, {
        kind: 'factors-changed',
        username: user.username,
        change,
        at: iso(clock.now()),
      });
  });
  const phoneVerification = new PhoneVerification(db, clock, factors, sms);
  const mfaLogin = new MfaLoginService(
    db,
    clock,
    factors,
    s.settings,
    phoneVerification,
    sms,
    s.auth,
    mfa,
    s.proofThrottle,
  );
  s.auth.attachSecondFactor((user, client) => mfaLogin.gate(user, client));
  return { sms, mfa, phoneVerification, mfaLogin };
}
