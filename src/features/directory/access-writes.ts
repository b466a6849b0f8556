/**
 * The write path for what a user holds: roles held directly, group memberships, organization memberships with
 * their roles. Every door that grants or takes access (the roles, groups and organizations routes, user creation,
 * invitations, registration, copy access, SCIM) calls these methods inside its own transaction. Each refuses
 * escalation (nobody grants or takes away a role, or a group passing roles on, whose permissions it does not hold
 * in the needed scope: authentik CVE-2024-37905, Keycloak CVE-2024-3656), keeps the last administrator, refreshes
 * the user's search text and records its event. Unknown ids answer 400 naming the field.
 *
 * Whether the caller may act on the user at all (scope and outrank) is `UserWrites.loadFor`, asked by the door
 * before it calls here; a freshly created or invited user is in scope by construction.
 */
import type { Clock } from '../../clock.ts';
import { iso } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { AppError, assertThat, fieldError } from '../../errors.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { assertCanGrantRoles } from '../access/escalation.ts';
import { assertAnAdminRemains, grantsAdmin, lockAdmins } from '../access/last-admin.ts';
import { recordEvent } from '../events/events.service.ts';
import { findGroupRows, groupIdsOfUser, rolesThroughGroups } from '../groups/groups.store.ts';
import { findOrganizationRow, memberRoleIds } from '../organizations/organizations.store.ts';
import { directRoleIdsOf, findRoleRows } from '../roles/roles.store.ts';
import { knownRoles, type RoleRow } from './directory.rules.ts';
import * as store from './directory.store.ts';
import { refreshSearchText } from './search-refresh.ts';

export class AccessWrites {
  constructor(private readonly clock: Clock) {}

  /** Adds roles the user holds directly (keeps the ones it has). */
  async grantRoles(trx: Db, caller: Caller, userId: string, roleIds: string[], field = 'roleIds'): Promise<void> {
    const roles = await knownRoles(trx, roleIds, field);
    if (roles.length === 0) return;
    assertCanGrantRoles(caller.access, roles, 'the role');
    for (const role of roles) await store.addUserRole(trx, userId, role.id);
    await refreshSearchText(trx, [userId]);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'user.roles.grant',
      target: { type: 'user', id: userId },
      details: { roles: roles.map((r) => r.name) },
    });
  }

  /** Sets the roles a user holds directly: adding or removing one needs holding its permissions. */
  async setRoles(trx: Db, caller: Caller, userId: string, roleIds: string[]): Promise<RoleRow[]> {
    await lockAdmins(trx);
    const wanted = [...new Set(roleIds)];
    const rows = await knownRoles(trx, wanted, 'roleIds');
    const current = await directRoleIdsOf(trx, userId);
    const added = rows.filter((r) => !current.includes(r.id));
    const removed = await findRoleRows(
      trx,
      current.filter((id) => !wanted.includes(id)),
    );
    assertCanGrantRoles(caller.access, [...added, ...removed], 'the role');
    await store.setUserRoleRows(trx, userId, wanted);
    if (grantsAdmin(removed)) await assertAnAdminRemains(trx);
    await refreshSearchText(trx, [userId]);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'user.roles.set',
      target: { type: 'user', id: userId },
      details: { added: added.map((r) => r.name), removed: removed.map((r) => r.name) },
    });
    return rows;
  }

  /** Adds the user to groups; a group is grantable only if the caller holds every role it (or a parent) grants. */
  async addToGroups(trx: Db, caller: Caller, userId: string, groupIds: string[], field = 'groupIds'): Promise<void> {
    const unique = [...new Set(groupIds)];
    if (unique.length === 0) return;
    const rows = await findGroupRows(trx, unique);
    unique.forEach((gid, i) => {
      if (!rows.some((r) => r.id === gid)) throw fieldError(`${field}.${i}`, 'is not a group');
    });
    assertCanGrantRoles(caller.access, await rolesThroughGroups(trx, unique), 'through the group the role');
    for (const row of rows) {
      if (await store.addMemberRow(trx, row.id, userId)) {
        await recordEvent(trx, this.clock, caller.actor, {
          action: 'group.member.add',
          target: { type: 'user', id: userId },
          details: { group: row.name, groupId: row.id },
        });
      }
    }
    await refreshSearchText(trx, [userId]);
  }

  /**
   * Takes a user out of a group: losing what the group grants needs holding it, as granting does; with
   * `requireGroup` on, a user's last group stays (409); the last administrator stays.
   */
  async removeFromGroup(
    trx: Db,
    caller: Caller,
    group: { id: string; name: string },
    userId: string,
    requireGroup: boolean,
  ): Promise<void> {
    await lockAdmins(trx);
    const lost = await rolesThroughGroups(trx, [group.id]);
    assertCanGrantRoles(caller.access, lost, 'through the group the role');
    const groups = await groupIdsOfUser(trx, userId);
    assertThat(groups.includes(group.id), 'NOT_FOUND', 'The user is not a member of this group');
    if (requireGroup && groups.length === 1) {
      throw new AppError('GROUP_REQUIRED', {
        detail: 'Every user must belong to a group: this is the last group of this user',
      });
    }
    await store.removeMemberRow(trx, group.id, userId);
    if (grantsAdmin(lost)) await assertAnAdminRemains(trx);
    await refreshSearchText(trx, [userId]);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'group.member.remove',
      target: { type: 'user', id: userId },
      details: { group: group.name, groupId: group.id },
    });
  }

  /**
   * Makes the user a member of an organization (or changes its organization roles there), granted in that
   * organization's scope: the caller holds organizations:write globally or in it, and each role's permissions.
   */
  async addToOrganization(
    trx: Db,
    caller: Caller,
    organizationId: string,
    userId: string,
    roleIds: string[] = [],
    field = 'organizationId',
  ): Promise<void> {
    const org = await organizationInScope(trx, caller, organizationId, field);
    const roles = await knownRoles(trx, roleIds, 'roleIds');
    assertCanGrantRoles(caller.access, roles, 'in this organization the role', organizationId);
    const unique = roles.map((r) => r.id);
    await store.upsertOrganizationMember(trx, organizationId, userId, iso(this.clock.now()), unique);
    await refreshSearchText(trx, [userId]);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'organization.member.add',
      target: { type: 'user', id: userId },
      details: { organization: org.name, organizationId, roles: roles.map((r) => r.name) },
    });
  }

  /** Takes a user out of an organization; a delegated administrator cannot remove itself from its own. */
  async removeFromOrganization(trx: Db, caller: Caller, organizationId: string, userId: string): Promise<void> {
    const org = await organizationInScope(trx, caller, organizationId, 'organizationId');
    const current = await memberRoleIds(trx, organizationId, userId);
    assertThat(current, 'NOT_FOUND', 'The user is not a member of this organization');
    assertCanGrantRoles(
      caller.access,
      await findRoleRows(trx, current),
      'in this organization the role',
      organizationId,
    );
    if (caller.user?.id === userId && scopeOf(caller.access, 'organizations:write') !== 'all') {
      throw new AppError('CANNOT_DELETE_SELF', {
        detail: 'A delegated administrator cannot remove itself from its organization',
      });
    }
    await store.removeOrganizationMember(trx, organizationId, userId);
    await refreshSearchText(trx, [userId]);
    await recordEvent(trx, this.clock, caller.actor, {
      action: 'organization.member.remove',
      target: { type: 'user', id: userId },
      details: { organization: org.name, organizationId },
    });
  }

  /**
   * Empties a still-invited placeholder's access before its invitation's set is applied, so the accepted account
   * holds exactly what the invitation says (authentik CVE-2022-23555). Audited by the acceptance's event.
   */
  async clearPlaceholderAccess(trx: Db, userId: string): Promise<void> {
    await store.clearAccessOf(trx, userId);
  }
}

/** The organization, when the caller holds organizations:write over it; otherwise it does not exist (404). */
async function organizationInScope(trx: Db, caller: Caller, id: string, field: string) {
  const org = await findOrganizationRow(trx, id);
  if (!org) throw fieldError(field, 'is not an organization');
  const scope = scopeOf(caller.access, 'organizations:write');
  assertThat(scope === 'all' || scope.includes(id), 'NOT_FOUND', 'Organization not found');
  return org;
}
