/**
 * Granting access to a user from any door (user creation, invitations, registration, copy access, SCIM, import),
 * inside the caller's transaction. Each grant refuses escalation: nobody grants a role, or a group that passes
 * roles on, whose permissions it does not hold itself in the needed scope (authentik CVE-2024-37905, Keycloak
 * CVE-2024-3656). Unknown ids answer 400 naming the field. Each grant is audited and refreshes the user's search
 * text in the same transaction.
 *
 * The caller's right to act on the target user is checked by whoever calls (e.g. UsersService.getRowFor); a
 * freshly created or invited user is in scope by construction.
 */

import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { fieldError } from '../../errors.ts';
import { addUserRole } from '../directory/directory.store.ts';
import { recordEvent } from '../events/events.service.ts';
import type { GroupsService } from '../groups/groups.service.ts';
import { findGroupRows, rolesThroughGroups } from '../groups/groups.store.ts';
import type { OrganizationsService } from '../organizations/organizations.service.ts';
import { findOrganizationRow } from '../organizations/organizations.store.ts';
import { findRoleRows } from '../roles/roles.store.ts';
import type { UsersService } from '../users/users.service.ts';
import type { Caller } from './caller.ts';
import { assertCanGrantRoles } from './escalation.ts';

export type GrantSet = {
  roleIds?: string[];
  groupIds?: string[];
  organizationId?: string | null;
  organizationRoleIds?: string[];
};

export class GrantsService {
  constructor(
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** Adds roles the user holds directly (keeps the ones it has). */
  async grantRoles(trx: Db, caller: Caller, userId: string, roleIds: string[], field = 'roleIds'): Promise<void> {
    const roles = await knownRoles(trx, roleIds, field);
    assertCanGrantRoles(caller.access, roles, 'the role');
    for (const role of roles) await addUserRole(trx, userId, role.id);
    if (roles.length > 0) {
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'user.roles.grant',
        target: { type: 'user', id: userId },
        details: { roles: roles.map((r) => r.name) },
      });
    }
    await this.users.refreshSearchText(trx, [userId]);
  }

  /** Adds the user to groups; a group is grantable only if the caller holds every role it (or a parent) grants. */
  async addToGroups(trx: Db, caller: Caller, userId: string, groupIds: string[], field = 'groupIds'): Promise<void> {
    if (groupIds.length > 0) await this.groups.addMembers(trx, caller, userId, groupIds, field);
  }

  /** Makes the user a member of an organization with organization roles, granted in that organization's scope. */
  async addToOrganization(
    trx: Db,
    caller: Caller,
    userId: string,
    organizationId: string,
    roleIds: string[] = [],
    field = 'organizationId',
  ): Promise<void> {
    if (!(await findOrganizationRow(trx, organizationId))) throw fieldError(field, 'is not an organization');
    await this.organizations.addMemberIn(trx, caller, organizationId, userId, roleIds);
  }

  /** Applies a whole grant set (invitation acceptance, user creation) in the caller's transaction. */
  async apply(trx: Db, caller: Caller, userId: string, grants: GrantSet): Promise<void> {
    if (grants.roleIds?.length) await this.grantRoles(trx, caller, userId, grants.roleIds);
    if (grants.groupIds?.length) await this.addToGroups(trx, caller, userId, grants.groupIds);
    if (grants.organizationId) {
      await this.addToOrganization(trx, caller, userId, grants.organizationId, grants.organizationRoleIds ?? []);
    }
  }

  /**
   * Checks a grant set without applying it (an invitation is checked against its inviter when issued): the same
   * 400s and 403s as `apply`. Organization scope is the caller's: a delegated admin names its own organization.
   */
  async check(db: Db, caller: Caller, grants: GrantSet): Promise<void> {
    assertCanGrantRoles(caller.access, await knownRoles(db, grants.roleIds ?? [], 'roleIds'), 'the role');
    const groupIds = [...new Set(grants.groupIds ?? [])];
    const found = await findGroupRows(db, groupIds);
    groupIds.forEach((id, i) => {
      if (!found.some((g) => g.id === id)) throw fieldError(`groupIds.${i}`, 'is not a group');
    });
    assertCanGrantRoles(caller.access, await rolesThroughGroups(db, groupIds), 'through the group the role');
    if (grants.organizationId) {
      if (!(await findOrganizationRow(db, grants.organizationId))) {
        throw fieldError('organizationId', 'is not an organization');
      }
      const orgRoles = await knownRoles(db, grants.organizationRoleIds ?? [], 'organizationRoleIds');
      assertCanGrantRoles(caller.access, orgRoles, 'in this organization the role', grants.organizationId);
    }
  }
}

async function knownRoles(db: Db, roleIds: string[], field: string) {
  const unique = [...new Set(roleIds)];
  const rows = await findRoleRows(db, unique);
  unique.forEach((id, i) => {
    if (!rows.some((r) => r.id === id)) throw fieldError(`${field}.${i}`, 'is not a role');
  });
  return rows;
}
