/**
 * Invitations, the invitee's side: the token shows what it grants; accepting it once (under any concurrency)
 * activates the placeholder user with the chosen username and password and EXACTLY the invitation's roles,
 * groups and organization (authentik CVE-2022-23555): nothing from the request body widens it.
 */

import { type Clock, iso } from '../../clock.ts';
import { hashPassword } from '../../crypto/passwords.ts';
import { hashToken } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { systemCaller } from '../access/caller.ts';
import type { GrantsService } from '../access/grants.service.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import type { Actor } from '../events/events.service.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import { auditTokenRefusal } from '../recovery/account-tokens.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UserDto } from '../users/users.schema.ts';
import type { UsersService } from '../users/users.service.ts';
import { findUserById } from '../users/users.store.ts';
import { blankToNull, checkUsername, loginKey } from '../users/users.validation.ts';
import { grantsOf } from './invitations.dto.ts';
import * as store from './invitations.store.ts';

export type AcceptInput = { username: string; password: string; displayName?: string | undefined };

export class InvitationAcceptance {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly grants: GrantsService,
    private readonly writes: UserWrites,
    private readonly accessWrites: AccessWrites,
  ) {}

  private async pending(token: string): Promise<store.InvitationRow> {
    const row = await store.findPendingByToken(this.db, hashToken(token), iso(this.clock.now()));
    if (!row) throw new AppError('TOKEN_INVALID');
    return row;
  }

  /** What a valid token grants, for the acceptance page; an unknown, used, revoked or expired one is a 410. */
  async preview(token: string) {
    const row = await this.pending(token);
    const grants = grantsOf(row);
    const names = await store.namesOf(
      this.db,
      grants.roleIds,
      grants.groupIds,
      grants.organizationId ? [grants.organizationId] : [],
    );
    return {
      email: row.email,
      expiresAt: row.expires_at,
      roles: names.roles,
      groups: names.groups,
      organization: names.orgs[0] ?? null,
    };
  }

  async accept(token: string, input: AcceptInput, actor: Actor): Promise<UserDto> {
    return auditTokenRefusal(this.db, this.clock, actor, 'invitation.accept', () =>
      this.acceptWith(token, input, actor),
    );
  }

  private async acceptWith(token: string, input: AcceptInput, actor: Actor): Promise<UserDto> {
    const row = await this.pending(token);
    const user = row.user_id ? await findUserById(this.db, row.user_id) : undefined;
    if (user?.status !== 'invited') throw new AppError('TOKEN_INVALID');
    const settings = await this.settings.get();
    checkUsername(input.username, settings);
    assertPasswordAcceptable(input.password, settings, { username: input.username, email: row.email }, 'password');
    const hash = await hashPassword(input.password);
    // Targets deleted since the invitation was issued are skipped rather than failing the acceptance.
    const grants = grantsOf(row);
    const names = await store.namesOf(
      this.db,
      grants.roleIds,
      grants.groupIds,
      grants.organizationId ? [grants.organizationId] : [],
    );
    const granted = {
      roleIds: names.roles.map((r) => r.id),
      groupIds: names.groups.map((g) => g.id),
      organizationId: names.orgs[0]?.id ?? null,
    };
    return this.db.transaction().execute(async (trx) => {
      const now = iso(this.clock.now());
      if (!(await store.markAccepted(trx, row.id, row.token_hash, now))) throw new AppError('TOKEN_INVALID');
      const displayName = blankToNull(input.displayName) ?? null;
      // Escalation was checked against the inviter when the invitation was issued; the grant is applied with
      // the service's access, recorded under the invitee's name.
      const invitee = { ...actor, type: 'user' as const, id: user.id, name: input.username };
      const changes = {
        username: input.username,
        username_key: loginKey(input.username),
        display_name: displayName,
        password_hash: hash,
        // The invitee proved the address by opening the mailed link.
        email_verified: 1,
      };
      await this.writes.acceptInvitation(trx, invitee, this.writes.self(user), changes, {
        action: 'invitation.accept',
        target: { type: 'invitation', id: row.id },
        details: { userId: user.id, ...granted },
      });
      await this.accessWrites.clearPlaceholderAccess(trx, user.id);
      await this.grants.apply(trx, { ...systemCaller, actor: invitee }, user.id, granted);
      // The placeholder's earlier access is gone even when the invitation grants nothing: the search text follows.
      await this.writes.refreshSearchText(trx, [user.id]);
      return this.users.toDto((await findUserById(trx, user.id))!, trx);
    });
  }
}
