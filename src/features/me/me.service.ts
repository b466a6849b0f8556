/** Self service: a user reads and edits its own profile and changes its own password. */

import { z } from 'zod';
import { currentEpoch, EpochCache } from '../../cache/epoch-cache.ts';
import { type Clock, iso } from '../../clock.ts';
import { hashPassword, verifyPassword } from '../../crypto/passwords.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { MailService } from '../../mail/mail.service.ts';
import { type Access, allHeld } from '../access/access.service.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent } from '../events/events.service.ts';
import type { PasswordThrottle } from '../lockout/lockout.service.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { findUserById } from '../users/users.store.ts';
import { blankToNull } from '../users/users.validation.ts';
import { type MeDto, meSchema } from './me.schema.ts';

type CachedProfile = { json: string; updatedAt: string; access: Access };

export class MeService {
  /**
   * user id → GET /api/me's answer, already serialized: it is what every client calls first and what a console
   * polls, and building it reads the user's roles, groups, organizations and counts, then checks it against the
   * response schema. Dropped on any change in this process (cache/epoch-cache.ts).
   */
  private readonly profiles = new EpochCache<string, CachedProfile>({ ttlMs: 500, maxEntries: 10_000 });

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly writes: UserWrites,
    /** The lockout feature's counters around the current-password check. */
    private readonly throttle: PasswordThrottle,
  ) {}

  /** The signed-in user's own profile with its effective permissions, as GET /api/me answers it (JSON text). */
  async profileJson(user: UserRow, access: Access): Promise<string> {
    const cached = this.profileJsonFromMemory(user, access);
    if (cached !== undefined) return cached;
    const epoch = currentEpoch();
    const profile = await this.profile(user, access);
    const json = JSON.stringify(z.encode(meSchema, profile));
    this.profiles.set(user.id, { json, updatedAt: user.updated_at, access }, epoch);
    return json;
  }

  /** The cached answer, when it was built from the very row and access the session check just resolved. */
  profileJsonFromMemory(user: UserRow, access: Access): string | undefined {
    const cached = this.profiles.get(user.id);
    return cached && cached.updatedAt === user.updated_at && cached.access === access ? cached.json : undefined;
  }

  async profile(user: UserRow, access: Access, db: Db = this.db): Promise<MeDto> {
    return { ...(await this.users.toDto(user, db)), permissions: allHeld(access) };
  }

  /** Only the display name is self-editable here; email and phone change through their verification flows. */
  async updateProfile(
    actor: Actor,
    user: UserRow,
    input: { displayName?: string | null | undefined },
  ): Promise<UserRow> {
    if (input.displayName === undefined) return user;
    const displayName = blankToNull(input.displayName) ?? null;
    return this.db.transaction().execute(async (trx) => {
      await this.writes.change(
        trx,
        actor,
        this.writes.self(user),
        { display_name: displayName },
        {
          action: 'user.update',
          details: { self: true, changes: { display_name: { from: user.display_name, to: displayName } } },
        },
      );
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
    // Wrong guesses here lock the account like wrong sign-ins do (lockout.service.ts, PasswordThrottle).
    const attempt = await this.throttle(user.id, actor);
    const current = user.password_hash
      ? await verifyPassword(user.password_hash, input.currentPassword)
      : { ok: false };
    await (current.ok ? attempt.succeeded() : attempt.failed());
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
      const sessionsEnded = await this.sessions.revokeAllOf(user.id, {
        db: trx,
        ...(currentSessionId ? { except: currentSessionId } : {}),
      });
      await this.writes.change(
        trx,
        actor,
        this.writes.self(user),
        { password_hash: hash, must_change_password: 0 },
        {
          action: 'user.password.change',
          details: { sessionsEnded },
        },
      );
      // The owner hears of every password change (ASVS 6.3.7); the mail worker's next poll sends it.
      if (user.email) {
        const at = iso(this.clock.now());
        await this.mail.enqueue(trx, user.email, { kind: 'password-changed', username: user.username, at });
      }
      return { sessionsEnded };
    });
  }
}
