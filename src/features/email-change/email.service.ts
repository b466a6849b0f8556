/**
 * Email addresses proven by a link: verification of the current address (after registration) and the change
 * to a new one, which takes effect only when confirmed from the new address; the old address is then told
 * (ASVS 6.3.7). Asking for a change needs the current password (ASVS 7.5.1).
 */
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { verifyPassword } from '../../crypto/passwords.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError, fieldError } from '../../errors.ts';
import type { MailService } from '../../mail/mail.service.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent } from '../events/events.service.ts';
import type { PasswordThrottle } from '../lockout/lockout.service.ts';
import { type AccountTokens, auditTokenRefusal } from '../recovery/account-tokens.ts';
import { findUserById, findUserByLogin } from '../users/users.store.ts';
import { loginKey } from '../users/users.validation.ts';

/** Links that prove an address stay valid for a day. */
export const emailLinkTtlMs = 24 * 3_600_000;

export class EmailService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly tokens: AccountTokens,
    private readonly mail: MailService,
    private readonly writes: UserWrites,
    /** The lockout feature's counters around the current-password check. */
    private readonly throttle: PasswordThrottle,
  ) {}

  /** Mails a verification link for the user's current address; `db` may be the creating transaction. */
  async sendVerification(db: Db, user: { id: string; username: string }, email: string): Promise<void> {
    const { token, expiresAt } = await this.tokens.issue(db, user.id, 'verify-email', emailLinkTtlMs, email);
    const url = `${this.config.publicUrl}/verify-email?token=${token}`;
    await this.mail.enqueue(db, email, { kind: 'verify-email', url, expiresAt, username: user.username });
  }

  /** The signed-in user asks for a new verification link for its current address. */
  async requestVerification(actor: Actor, user: UserRow): Promise<void> {
    if (!user.email) throw new AppError('CONFLICT', { detail: 'The account has no email address' });
    if (user.email_verified === 1)
      throw new AppError('ALREADY_VERIFIED', { detail: 'The address is already verified' });
    const email = user.email;
    await this.db.transaction().execute(async (trx) => {
      await this.sendVerification(trx, user, email);
      await recordEvent(trx, this.clock, actor, {
        action: 'user.email.verification-request',
        target: { type: 'user', id: user.id },
      });
    });
    this.mail.kick();
  }

  /** Asks to change the address: the new one receives a confirmation link; nothing changes until it is used. */
  async requestChange(
    actor: Actor,
    user: UserRow,
    input: { email: string; currentPassword: string },
  ): Promise<{ pendingEmail: string }> {
    // Wrong guesses here lock the account like wrong sign-ins do (lockout.service.ts, PasswordThrottle).
    const attempt = await this.throttle(user.id, actor);
    const ok = user.password_hash ? (await verifyPassword(user.password_hash, input.currentPassword)).ok : false;
    await (ok ? attempt.succeeded() : attempt.failed());
    if (!ok) {
      await recordEvent(this.db, this.clock, actor, {
        action: 'user.email.change-request',
        target: { type: 'user', id: user.id },
        outcome: 'failure',
        details: { reason: 'current-password-wrong' },
      });
      throw new AppError('CURRENT_PASSWORD_WRONG', { errors: [{ path: 'currentPassword', message: 'is wrong' }] });
    }
    const key = loginKey(input.email);
    if (key === user.email_key) throw fieldError('email', 'is already the address of this account');
    const holder = await findUserByLogin(this.db, key);
    if (holder && holder.id !== user.id && holder.email_key === key) {
      throw new AppError('EMAIL_TAKEN', { errors: [{ path: 'email', message: 'is already in use' }] });
    }
    await this.db.transaction().execute(async (trx) => {
      const { token, expiresAt } = await this.tokens.issue(trx, user.id, 'email-change', emailLinkTtlMs, input.email);
      const url = `${this.config.publicUrl}/verify-email?token=${token}`;
      await this.mail.enqueue(trx, input.email, { kind: 'email-change', url, expiresAt, username: user.username });
      await recordEvent(trx, this.clock, actor, {
        action: 'user.email.change-request',
        target: { type: 'user', id: user.id },
        details: { to: input.email },
      });
    });
    this.mail.kick();
    return { pendingEmail: input.email };
  }

  /** Redeems a verification or change link (once). */
  async verify(token: string, actor: Actor): Promise<{ email: string; emailVerified: true }> {
    return auditTokenRefusal(this.db, this.clock, actor, 'user.email.verify', () => this.verifyWith(token, actor));
  }

  private async verifyWith(token: string, actor: Actor): Promise<{ email: string; emailVerified: true }> {
    const result = await this.db.transaction().execute(async (trx) => {
      const used = await this.tokens.consume(trx, token, ['verify-email', 'email-change']);
      const user = used ? await findUserById(trx, used.user_id) : undefined;
      if (!used?.email || !user) throw new AppError('TOKEN_INVALID');
      const who = { ...actor, type: 'user' as const, id: user.id, name: user.username };
      if (used.purpose === 'verify-email') {
        // The address changed since the link was sent: it proves nothing about the current one.
        if (user.email_key !== loginKey(used.email)) throw new AppError('TOKEN_INVALID');
        await this.writes.change(
          trx,
          who,
          this.writes.self(user),
          { email_verified: 1 },
          { action: 'user.email.verify' },
        );
        return { email: used.email, notify: null };
      }
      const changes = { email: used.email, email_key: loginKey(used.email), email_verified: 1 };
      await this.writes.change(trx, who, this.writes.self(user), changes, {
        action: 'user.email.change',
        details: { changes: { email: { from: user.email, to: used.email } } },
      });
      await this.tokens.revokeAll(trx, user.id, 'verify-email');
      if (user.email) {
        await this.mail.enqueue(trx, user.email, {
          kind: 'email-changed',
          username: user.username,
          newEmail: used.email,
        });
      }
      return { email: used.email, notify: user.email };
    });
    if (result.notify) this.mail.kick();
    return { email: result.email, emailVerified: true };
  }
}
