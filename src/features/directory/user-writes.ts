/**
 * The write path for the users table: every door (the admin API and console, the account pages, sign-in,
 * recovery, invitations, registration, SCIM, the CLI) changes a user through these methods. A change needs a
 * `Changeable` row, which only `loadFor` (scope and outrank checked for the caller) and `self` (the user acting on
 * its own account) hand out, so a service cannot write a user it has not been allowed to; each change records its
 * audit event and refreshes the search text in the caller's transaction.
 */
import type { Clock } from '../../clock.ts';
import { iso } from '../../clock.ts';
import type { Db, UserRow, UsersTable } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { accessOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { assertAnAdminRemains, lockAdmins } from '../access/last-admin.ts';
import { type ControllingPermission, controllingPermissions } from '../access/outrank.ts';
import type { Permission } from '../access/permissions.ts';
import { type Actor, type EventInput, recordEvent } from '../events/events.service.ts';
import { findUserById } from '../users/users.store.ts';
import { assertMayChange, assertStatusChange } from './directory.rules.ts';
import * as store from './directory.store.ts';
import { refreshSearchText } from './search-refresh.ts';

declare const changeable: unique symbol;
/** A user row some caller has been allowed to change: made only by `UserWrites.loadFor` and `UserWrites.self`. */
export type Changeable = UserRow & { readonly [changeable]: true };

/** What a change may set: the status goes through `setStatus` (its own rules), the id never changes. */
export type UserChanges = Omit<Partial<UsersTable>, 'id' | 'status' | 'search_text' | 'created_at'>;

/** The event of a change; its target is the changed user unless it names another (the invitation accepted). */
export type UserEvent = Omit<EventInput, 'target'> & { target?: EventInput['target'] };

/** Columns `q` searches: a change to one of them rebuilds the user's search text. */
const searchedColumns = ['username', 'display_name', 'email', 'department'] as const;

export class UserWrites {
  constructor(private readonly clock: Clock) {}

  /**
   * A user the caller may act on with `permission`: outside its organizations a user does not exist (404), and a
   * controlling permission (users:write, users:delete, sessions:revoke, api-keys:manage) also needs the caller to
   * hold everything the user holds (403 OUTRANKED), unless it acts on itself.
   */
  async loadFor(db: Db, caller: Caller, id: string, permission: ControllingPermission): Promise<Changeable>;
  /** A user the caller may read: scope only; the row it answers cannot be changed through this class. */
  async loadFor(db: Db, caller: Caller, id: string, permission: Permission): Promise<UserRow>;
  async loadFor(db: Db, caller: Caller, id: string, permission: Permission): Promise<UserRow> {
    const row = await findUserById(db, id);
    if (!row) throw new AppError('USER_NOT_FOUND');
    await assertMayChange(db, caller, row, permission, controllingPermissions.has(permission));
    return row as Changeable;
  }

  /** The signed-in (or recovering, or signing-in) user acting on its own account: no rank to check. */
  self(row: UserRow): Changeable {
    return row as Changeable;
  }

  /** Inserts a new user with its creation event; duplicate usernames and emails answer 409 naming the field. */
  async create(trx: Db, actor: Actor, row: UsersTable, event: UserEvent): Promise<Changeable> {
    await unique(() => store.insertUser(trx, row));
    await refreshSearchText(trx, [row.id]);
    await recordEvent(trx, this.clock, actor, { target: { type: 'user', id: row.id }, ...event });
    return (await findUserById(trx, row.id)) as Changeable;
  }

  /** Writes `changes` (updated_at set), refreshes the search text when a searched column changed, audits. */
  async change(trx: Db, actor: Actor, user: Changeable, changes: UserChanges, event: UserEvent): Promise<UserRow> {
    await unique(() => store.updateUserRow(trx, user.id, { ...changes, updated_at: iso(this.clock.now()) }));
    if (searchedColumns.some((c) => changes[c] !== undefined)) await refreshSearchText(trx, [user.id]);
    await recordEvent(trx, this.clock, actor, { target: { type: 'user', id: user.id }, ...event });
    return { ...user, ...changes };
  }

  /**
   * Sets the status under its rules: nobody disables itself, an invited user becomes active only by accepting its
   * invitation, the last active administrator stays. The caller's other work (ending sessions) joins `trx`.
   */
  async setStatus(trx: Db, caller: Caller, user: Changeable, status: string, event: UserEvent): Promise<UserRow> {
    if (status !== 'active') await lockAdmins(trx);
    const isAdmin = status !== 'active' && (await accessOf(trx, user.id)).isAdmin;
    await assertStatusChange(trx, caller, user, status, isAdmin);
    await store.updateUserRow(trx, user.id, { status, updated_at: iso(this.clock.now()) });
    if (isAdmin) await assertAnAdminRemains(trx);
    await recordEvent(trx, this.clock, caller.actor, { target: { type: 'user', id: user.id }, ...event });
    return { ...user, status };
  }

  /** An invited placeholder becomes its invitee's account: the one way from `invited` to `active`. */
  async acceptInvitation(trx: Db, actor: Actor, user: Changeable, changes: UserChanges, event: UserEvent) {
    if (user.status !== 'invited') throw new AppError('TOKEN_INVALID');
    await unique(() =>
      store.updateUserRow(trx, user.id, { ...changes, status: 'active', updated_at: iso(this.clock.now()) }),
    );
    await refreshSearchText(trx, [user.id]);
    await recordEvent(trx, this.clock, actor, { target: { type: 'user', id: user.id }, ...event });
  }

  /** Deletes a user (its sessions, keys and memberships go by cascade); the last administrator stays. */
  async delete(trx: Db, caller: Caller, user: Changeable, event: UserEvent): Promise<void> {
    if (caller.user?.id === user.id) {
      throw new AppError('CANNOT_DELETE_SELF', { detail: 'You cannot delete your own account' });
    }
    await lockAdmins(trx);
    const isAdmin = (await accessOf(trx, user.id)).isAdmin;
    await store.deleteUserRow(trx, user.id);
    if (isAdmin) await assertAnAdminRemains(trx);
    await recordEvent(trx, this.clock, caller.actor, { target: { type: 'user', id: user.id }, ...event });
  }

  /** Records a sign-in's time; the sign-in's own `auth.login` event is its audit. */
  async recordSignIn(trx: Db, userId: string, at: string): Promise<void> {
    await store.recordSignInTime(trx, userId, at);
  }

  /** Replaces an imported hash (bcrypt, PBKDF2) with argon2id at a successful sign-in: same password, no event. */
  async upgradePasswordHash(db: Db, user: Changeable, hash: string): Promise<void> {
    await store.updateUserRow(db, user.id, { password_hash: hash });
  }

  /** Keeps users.mfa_enabled in step with the confirmed factors; the factor change's event is its audit. */
  async syncMfaFlag(trx: Db, userId: string, enabled: boolean): Promise<void> {
    await store.updateUserRow(trx, userId, { mfa_enabled: enabled ? 1 : 0 });
  }

  /** Marks the phone verified while it is still the number the code went to; the verification's event audits it. */
  async markPhoneVerified(trx: Db, userId: string, phone: string): Promise<void> {
    await store.markPhoneVerified(trx, userId, phone, iso(this.clock.now()));
  }

  /** See search-refresh.ts: after memberships or their names change, in the changing transaction. */
  async refreshSearchText(db: Db, userIds: readonly string[]): Promise<void> {
    await refreshSearchText(db, userIds);
  }
}

/** The database's unique indexes are the arbiter of duplicate usernames and emails, even under races. */
async function unique(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isUniqueViolation(error, 'username_key')) {
      throw new AppError('USERNAME_TAKEN', { errors: [{ path: 'username', message: 'is already taken' }] });
    }
    if (isUniqueViolation(error, 'email_key')) {
      throw new AppError('EMAIL_TAKEN', { errors: [{ path: 'email', message: 'is already in use' }] });
    }
    throw error;
  }
}
