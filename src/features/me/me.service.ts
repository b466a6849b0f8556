/** Self service: a user reads and edits its own profile and changes its own password. */
import { type Clock, iso } from '../../clock.ts';
import { hashPassword, verifyPassword } from '../../crypto/passwords.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { MailService } from '../../mail/mail.service.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent } from '../events/events.service.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { refreshSearchText } from '../users/users.search-refresh.ts';
import { findUserById, updateUserRow } from '../users/users.store.ts';
import { blankToNull } from '../users/users.validation.ts';

export class MeService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly settings: SettingsService,
    private readonly mail?: MailService,
  ) {}

  /** Only the display name is self-editable here; email and phone change through their verification flows. */
  async updateProfile(
    actor: Actor,
    user: UserRow,
    input: { displayName?: string | null | undefined },
  ): Promise<UserRow> {
    if (input.displayName === undefined) return user;
    const displayName = blankToNull(input.displayName) ?? null;
    return this.db.transaction().execute(async (trx) => {
      await updateUserRow(trx, user.id, { display_name: displayName, updated_at: iso(this.clock.now()) });
      await refreshSearchText(trx, [user.id]);
      await recordEvent(trx, this.clock, actor, {
        action: 'user.update',
        target: { type: 'user', id: user.id },
        details: { self: true, changes: { display_name: { from: user.display_name, to: displayName } } },
      });
      return (await findUserById(trx, user.id))!;
    });
  }

  /**
   * Needs the current password (ASVS 6.2.3); ends the user's other sessions and keeps the current one.
   * Clears a forced change.
   */
  async changePassword(
    actor: Actor,
    user: UserRow,
    currentSessionId: string | null,
    input: { currentPassword: string; newPassword: string },
  ): Promise<{ sessionsEnded: number }> {
    const current = user.password_hash
      ? await verifyPassword(user.password_hash, input.currentPassword)
      : { ok: false };
    if (!current.ok) {
      await recordEvent(this.db, this.clock, actor, {
        action: 'user.password.change',
        target: { type: 'user', id: user.id },
        outcome: 'failure',
        details: { reason: 'current-password-wrong' },
      });
      throw new AppError('CURRENT_PASSWORD_WRONG', { errors: [{ path: 'currentPassword', message: 'is wrong' }] });
    }
    const settings = await this.settings.get();
    assertPasswordAcceptable(
      input.newPassword,
      settings,
      { username: user.username, email: user.email },
      'newPassword',
    );
    if (input.newPassword.normalize('NFKC') === input.currentPassword.normalize('NFKC')) {
      throw new AppError('PASSWORD_POLICY', {
        errors: [{ path: 'newPassword', message: 'must differ from the current password' }],
      });
    }
    const hash = await hashPassword(input.newPassword);
    return this.db.transaction().execute(async (trx) => {
      await updateUserRow(trx, user.id, {
        password_hash: hash,
        must_change_password: 0,
        updated_at: iso(this.clock.now()),
      });
      const sessionsEnded = await this.sessions.revokeAllOf(user.id, {
        db: trx,
        ...(currentSessionId ? { except: currentSessionId } : {}),
      });
      await recordEvent(trx, this.clock, actor, {
        action: 'user.password.change',
        target: { type: 'user', id: user.id },
        details: { sessionsEnded },
      });
      // The owner hears of every password change (ASVS 6.3.7); the mail worker's next poll sends it.
      if (user.email && this.mail) {
        const at = iso(this.clock.now());
        await this.mail.enqueue(trx, user.email, { kind: 'password-changed', username: user.username, at });
      }
      return { sessionsEnded };
    });
  }
}
