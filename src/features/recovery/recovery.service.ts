/**
 * Password recovery: "forgot password" (the same 202, the same work, whatever the login), the reset itself
 * (single use, bound to one user and the purpose 'recovery', ends every session), and the admin's recovery link.
 */

import { type Clock, iso } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { dummyVerify, hashPassword } from '../../crypto/passwords.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError, fieldError } from '../../errors.ts';
import type { MailService } from '../../mail/mail.service.ts';
import type { Caller } from '../access/caller.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent, recordedSince } from '../events/events.service.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { findUserById, findUserByLogin } from '../users/users.store.ts';
import { loginKey } from '../users/users.validation.ts';
import { type AccountTokens, auditTokenRefusal } from './account-tokens.ts';

/** The shortest time between two "forgot password" mails to one account. */
export const forgotCooldownMs = 60_000;

export class RecoveryService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly settings: SettingsService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly tokens: AccountTokens,
    private readonly mail: MailService,
    private readonly writes: UserWrites,
  ) {}

  /**
   * Mails a recovery link when the login names an active account with an address. The dummy argon2 verification
   * runs in both cases, alongside the real work, so the answer takes the same time either way (ASVS 6.3.8).
   */
  async forgot(login: string, actor: Actor): Promise<void> {
    const user = await findUserByLogin(this.db, loginKey(login));
    const eligible = user?.status === 'active' && user.email ? user : undefined;
    await Promise.all([dummyVerify(login), this.forgotFor(eligible, user, actor)]);
  }

  private async forgotFor(eligible: UserRow | undefined, user: UserRow | undefined, actor: Actor): Promise<void> {
    if (!eligible) return this.refuse(actor, user, user ? `not-eligible-${user.status}` : 'unknown-login');
    // Anyone may ask for anyone: one link a minute per account keeps "forgot password" from flooding a mailbox.
    // The answer stays the same 202 (no hint), and the link already sent still works.
    const since = new Date(this.clock.now().getTime() - forgotCooldownMs);
    const mailed = { action: 'auth.password.forgot', targetId: eligible.id, outcome: 'success' } as const;
    // A link used since (the password was reset) ends the wait: asking again is then a new need, not a flood.
    const used = { action: 'user.password.recover', targetId: eligible.id, outcome: 'success' } as const;
    if ((await recordedSince(this.db, mailed, since)) && !(await recordedSince(this.db, used, since))) {
      return this.refuse(actor, user, 'cooldown');
    }
    await this.issue(eligible, actor, true, 'forgot');
  }

  private async refuse(actor: Actor, user: UserRow | undefined, reason: string): Promise<void> {
    await recordEvent(this.db, this.clock, actor, {
      action: 'auth.password.forgot',
      target: user ? { type: 'user', id: user.id } : null,
      outcome: 'failure',
      details: { reason },
    });
  }

  /** The admin's link to copy (`send: false`) or to mail to the user (`send: true`). */
  async adminLink(caller: Caller, userId: string, send: boolean): Promise<{ url: string; expiresAt: string }> {
    const user = await this.users.getRowFor(caller, userId, 'users:write');
    if (user.status !== 'active')
      throw new AppError('USER_STATUS', { detail: 'Only an active account can be recovered' });
    if (send && !user.email) throw fieldError('send', 'the user has no email address to send the link to');
    return this.issue(user, caller.actor, send, 'admin');
  }

  private async issue(
    user: UserRow,
    actor: Actor,
    send: boolean,
    via: string,
  ): Promise<{ url: string; expiresAt: string }> {
    const { recoveryTtlMinutes } = await this.settings.get();
    const result = await this.db.transaction().execute(async (trx) => {
      const { token, expiresAt } = await this.tokens.issue(trx, user.id, 'recovery', recoveryTtlMinutes * 60_000);
      const url = `${this.config.publicUrl}/reset-password?token=${token}`;
      if (send && user.email) {
        await this.mail.enqueue(trx, user.email, { kind: 'recovery', url, expiresAt, username: user.username });
      }
      await recordEvent(trx, this.clock, actor, {
        action: via === 'forgot' ? 'auth.password.forgot' : 'user.recovery-link',
        target: { type: 'user', id: user.id },
        details: { sent: send, expiresAt },
      });
      return { url, expiresAt };
    });
    if (send) this.mail.kick();
    return result;
  }

  /** Sets a new password with a recovery token: once, for its own user only; every session of the user ends. */
  async reset(token: string, password: string, actor: Actor): Promise<{ sessionsEnded: number }> {
    return auditTokenRefusal(this.db, this.clock, actor, 'user.password.recover', () =>
      this.resetWith(token, password, actor),
    );
  }

  private async resetWith(token: string, password: string, actor: Actor): Promise<{ sessionsEnded: number }> {
    const live = await this.tokens.peek(this.db, token, ['recovery']);
    const user = live ? await findUserById(this.db, live.user_id) : undefined;
    if (!live || user?.status !== 'active') throw new AppError('TOKEN_INVALID');
    const settings = await this.settings.get();
    assertPasswordAcceptable(password, settings, { username: user.username, email: user.email }, 'password');
    const hash = await hashPassword(password);
    const now = iso(this.clock.now());
    const result = await this.db.transaction().execute(async (trx) => {
      const used = await this.tokens.consume(trx, token, ['recovery']);
      if (used?.user_id !== user.id) throw new AppError('TOKEN_INVALID');
      const sessionsEnded = await this.sessions.revokeAllOf(user.id, { db: trx });
      await this.tokens.revokeAll(trx, user.id, 'recovery');
      const self = { ...actor, type: 'user' as const, id: user.id, name: user.username };
      await this.writes.change(
        trx,
        self,
        this.writes.self(user),
        { password_hash: hash, must_change_password: 0 },
        {
          action: 'user.password.recover',
          details: { sessionsEnded },
        },
      );
      if (user.email) {
        await this.mail.enqueue(trx, user.email, { kind: 'password-changed', username: user.username, at: now });
      }
      return { sessionsEnded };
    });
    this.mail.kick();
    return result;
  }
}
