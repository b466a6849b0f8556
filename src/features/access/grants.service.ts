/**
 * A grant set (what an invitation or a new user's form names: roles, groups, an organization with its roles):
 * checked against its issuer without applying it (an invitation, when issued), or applied inside the caller's
 * transaction through the write path's grants (directory/access-writes.ts), which refuse escalation, audit and
 * refresh the search text. Unknown ids answer 400 naming the field.
 */
import type { Db } from '../../db/database.ts';
import { fieldError } from '../../errors.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import { knownRoles } from '../directory/directory.rules.ts';
import { findGroupRows, rolesThroughGroups } from '../groups/groups.store.ts';
import { findOrganizationRow } from '../organizations/organizations.store.ts';
import type { Caller } from './caller.ts';
import { assertCanGrantRoles } from './escalation.ts';

export type GrantSet = {
  roleIds?: string[];
  groupIds?: string[];
  organizationId?: string | null;
  organizationRoleIds?: string[];
};

export class GrantsService {
  constructor(private readonly access: AccessWrites) {}

  /** Applies a whole grant set (invitation acceptance, user creation) in the caller's transaction. */
  async apply(trx: Db, caller: Caller, userId: string, grants: GrantSet): Promise<void> {
    if (grants.roleIds?.length) await this.access.grantRoles(trx, caller, userId, grants.roleIds);
    if (grants.groupIds?.length) await this.access.addToGroups(trx, caller, userId, grants.groupIds);
    if (grants.organizationId) {
      await this.access.addToOrganization(trx, caller, grants.organizationId, userId, grants.organizationRoleIds ?? []);
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
