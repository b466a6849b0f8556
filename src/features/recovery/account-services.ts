/** Wires the account-lifecycle-by-email services (recovery, email, registration, invitations) for services.ts. */
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { MailService } from '../../mail/mail.service.ts';
import type { GrantsService } from '../access/grants.service.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import { EmailService } from '../email-change/email.service.ts';
import { InvitationAcceptance } from '../invitations/invitations.accept.ts';
import { InvitationsService } from '../invitations/invitations.service.ts';
import type { PasswordThrottle } from '../lockout/lockout.service.ts';
import { RegistrationService, type RegistrationThrottle } from '../registration/registration.service.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UserLifecycleService } from '../users/users.lifecycle.ts';
import type { UsersService } from '../users/users.service.ts';
import { AccountTokens } from './account-tokens.ts';
import { RecoveryService } from './recovery.service.ts';

export function createAccountServices(
  deps: { db: Db; clock: Clock; config: Config },
  s: {
    settings: SettingsService;
    sessions: SessionsService;
    users: UsersService;
    lifecycle: UserLifecycleService;
    mail: MailService;
    grants: GrantsService;
    userWrites: UserWrites;
    accessWrites: AccessWrites;
    passwordThrottle: PasswordThrottle;
    registrationThrottle: RegistrationThrottle;
  },
) {
  const { db, clock, config } = deps;
  const tokens = new AccountTokens(clock);
  const recovery = new RecoveryService(
    db,
    clock,
    config,
    s.settings,
    s.sessions,
    s.users,
    tokens,
    s.mail,
    s.userWrites,
  );
  const email = new EmailService(db, clock, config, tokens, s.mail, s.userWrites, s.passwordThrottle);
  const registration = new RegistrationService(
    db,
    clock,
    config,
    s.settings,
    s.users,
    email,
    s.mail,
    s.registrationThrottle,
  );
  const invitations = new InvitationsService(
    db,
    clock,
    config,
    s.settings,
    s.users,
    s.lifecycle,
    s.grants,
    s.mail,
    s.accessWrites,
  );
  const invitationAcceptance = new InvitationAcceptance(
    db,
    clock,
    s.settings,
    s.users,
    s.grants,
    s.userWrites,
    s.accessWrites,
  );
  return { recovery, email, registration, invitations, invitationAcceptance };
}
