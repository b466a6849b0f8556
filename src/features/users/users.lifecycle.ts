/** Disabling, enabling, deleting (one or in bulk) and admin password resets. */

import { randomInt } from 'node:crypto';
import { hashPassword } from '../../crypto/passwords.ts';
import type { Db } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, fieldError } from '../../errors.ts';
import type { Caller } from '../access/caller.ts';
import { lockAdmins } from '../access/last-admin.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UserDto } from './users.schema.ts';
import type { UsersService } from './users.service.ts';

export type BulkResult = { id: string; ok: boolean; status: number; code?: string };

export class UserLifecycleService {
  constructor(
    private readonly db: Db,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly settings: SettingsService,
    private readonly writes: UserWrites,
  ) {}

  /** Disabling ends every session at once; API keys stop because their owner is no longer active. */
  async disable(caller: Caller, id: string, db: Db = this.db): Promise<UserDto> {
    return this.setStatus(caller, id, 'disabled', 'user.disable', db);
  }

  async enable(caller: Caller, id: string, db: Db = this.db): Promise<UserDto> {
    return this.setStatus(caller, id, 'active', 'user.enable', db);
  }

  /** `db` may be the caller's transaction, which the change then joins. */
  private async setStatus(caller: Caller, id: string, status: string, action: string, db: Db): Promise<UserDto> {
    return inTransaction(db, async (trx) => {
      // Before the user is read: a concurrent removal of the other last admin waits here (last-admin.ts).
      if (status !== 'active') await lockAdmins(trx);
      const before = await this.writes.loadFor(trx, caller, id, 'users:write');
      const ended = status === 'disabled' ? await this.sessions.revokeAllOf(id, { db: trx }) : 0;
      const after = await this.writes.setStatus(trx, caller, before, status, {
        action,
        details: { changes: { status: { from: before.status, to: status } }, sessionsEnded: ended },
      });
      return this.users.toDto(after, trx);
    });
  }

  /** Deletes a user and, by cascade, its sessions, keys and memberships. An admin never deletes itself. */
  async delete(caller: Caller, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockAdmins(trx);
      const row = await this.writes.loadFor(trx, caller, id, 'users:delete');
      await this.writes.delete(trx, caller, row, {
        action: 'user.delete',
        details: { username: row.username, email: row.email },
      });
    });
  }

  /** Applies an action to each id on its own; one failure does not stop the others. */
  async bulk(caller: Caller, action: 'delete' | 'disable' | 'enable', ids: string[]): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (const id of new Set(ids)) {
      try {
        if (action === 'delete') await this.delete(caller, id);
        else if (action === 'disable') await this.disable(caller, id);
        else await this.enable(caller, id);
        results.push({ id, ok: true, status: action === 'delete' ? 204 : 200 });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({ id, ok: false, status: error.status, code: error.code });
      }
    }
    return results;
  }

  /** Sets (or generates) a password; optionally forces a change at next sign-in and ends the user's sessions. */
  async resetPassword(
    caller: Caller,
    id: string,
    input: {
      password?: string | undefined;
      generate?: boolean | undefined;
      mustChange?: boolean | undefined;
      revokeSessions?: boolean | undefined;
    },
  ): Promise<{ generatedPassword?: string; sessionsEnded: number }> {
    if (!input.generate && !input.password) throw fieldError('password', 'give a password or set generate: true');
    if (input.generate && input.password) throw fieldError('generate', 'cannot be combined with a password');
    const settings = await this.settings.get();
    const password = input.generate ? generatePassword() : (input.password as string);
    return this.db.transaction().execute(async (trx) => {
      const row = await this.writes.loadFor(trx, caller, id, 'users:write');
      if (!input.generate) assertPasswordAcceptable(password, settings, { username: row.username, email: row.email });
      const mustChange = input.mustChange ?? true;
      const sessionsEnded = input.revokeSessions === false ? 0 : await this.sessions.revokeAllOf(id, { db: trx });
      const changes = { password_hash: await hashPassword(password), must_change_password: mustChange ? 1 : 0 };
      await this.writes.change(trx, caller.actor, row, changes, {
        action: 'user.password.reset',
        details: { generated: Boolean(input.generate), mustChange, sessionsEnded },
      });
      return input.generate ? { generatedPassword: password, sessionsEnded } : { sessionsEnded };
    });
  }
}

/** 20 characters from an unambiguous alphabet: ~115 bits. */
function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
