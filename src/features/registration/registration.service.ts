/**
 * Self-registration, only while the allowRegistration setting is on (the API refuses it otherwise, not only the
 * page: Zitadel CVE-2024-49757). A registrant becomes a plain User, joins the default group when requireGroup is
 * on, and verifies its address by a link. An address or a username already in use gets the same answer as a new
 * account (the address is mailed instead), so sign-up does not reveal who has an account (ASVS 6.3.8).
 */
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { MailService } from '../../mail/mail.service.ts';
import { systemCaller } from '../access/caller.ts';
import { builtInRoleIds } from '../access/permissions.ts';
import type { EmailService } from '../email-change/email.service.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent } from '../events/events.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';

export type RegistrationInput = { username: string; email: string; password: string; displayName?: string | undefined };

export const registrationAnswer = {
  message: 'Your account was created unless the address already has one; check your mail to confirm the address.',
} as const;

/** Refuses a registration from a client address past its allowance (lockout.service.ts admitRegistration). */
export type RegistrationThrottle = (ip: string | null) => Promise<void>;

export class RegistrationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly email: EmailService,
    private readonly mail: MailService,
    /** The lockout feature's per-address counter of sign-ups. */
    private readonly throttle: RegistrationThrottle,
  ) {}

  async register(input: RegistrationInput, actor: Actor): Promise<typeof registrationAnswer> {
    const settings = await this.settings.get();
    if (!settings.allowRegistration) {
      await this.refused(actor, 'registration-closed');
      throw new AppError('REGISTRATION_CLOSED');
    }
    try {
      await this.throttle(actor.ip);
    } catch (error) {
      if (error instanceof AppError && error.code === 'RATE_LIMITED') await this.refused(actor, 'rate-limited');
      throw error;
    }
    try {
      // A plain User; users.create puts it in the default group when requireGroup is on.
      const fields = { ...input, roleIds: [builtInRoleIds.user] };
      await this.users.create({ ...systemCaller, actor }, fields, {
        extend: async (trx, userId) => {
          await this.email.sendVerification(trx, { id: userId, username: input.username }, input.email);
          await recordEvent(trx, this.clock, actor, { action: 'auth.register', target: { type: 'user', id: userId } });
        },
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'EMAIL_TAKEN') await this.tellOwner(input.email, actor);
      else if (error.code === 'USERNAME_TAKEN') await this.tellUsernameTaken(input, actor);
      else throw error;
    }
    this.mail.kick();
    return registrationAnswer;
  }

  private async refused(actor: Actor, reason: string): Promise<void> {
    await recordEvent(this.db, this.clock, actor, {
      action: 'auth.register',
      target: null,
      outcome: 'denied',
      details: { reason },
    });
  }

  /**
   * A taken username is told only to the address that asked, by mail: the answer stays the same as for a new
   * account, so sign-up cannot be used to list usernames (ASVS 6.3.8).
   */
  private async tellUsernameTaken(input: RegistrationInput, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.mail.enqueue(trx, input.email, {
        kind: 'registration-username-taken',
        username: input.username,
        registerUrl: `${this.config.publicUrl}/register`,
      });
      await recordEvent(trx, this.clock, actor, {
        action: 'auth.register',
        target: null,
        outcome: 'failure',
        details: { reason: 'username-taken' },
      });
    });
  }

  private async tellOwner(email: string, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.mail.enqueue(trx, email, {
        kind: 'registration-attempt',
        signInUrl: `${this.config.publicUrl}/`,
        recoveryUrl: `${this.config.publicUrl}/forgot-password`,
      });
      await recordEvent(trx, this.clock, actor, {
        action: 'auth.register',
        target: null,
        outcome: 'failure',
        details: { reason: 'email-in-use' },
      });
    });
  }
}
