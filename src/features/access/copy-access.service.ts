/**
 * "Copy access": give user B the roles, groups and organization memberships of user A, in one transaction,
 * with the same escalation checks as granting each one by hand.
 */

import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { fieldError } from '../../errors.ts';
import { addUserRole } from '../directory/directory.store.ts';
import { recordEvent } from '../events/events.service.ts';
import type { GroupsService } from '../groups/groups.service.ts';
import { groupIdsOfUser } from '../groups/groups.store.ts';
import type { OrganizationsService } from '../organizations/organizations.service.ts';
import { membershipsOf } from '../organizations/organizations.store.ts';
import { directRoleIdsOf, findRoleRows } from '../roles/roles.store.ts';
import type { UsersService } from '../users/users.service.ts';
import type { Caller } from './caller.ts';
import { assertCanGrantRoles } from './escalation.ts';

export class CopyAccessService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly organizations: OrganizationsService,
  ) {}

  async copy(
    caller: Caller,
    toUserId: string,
    fromUserId: string,
  ): Promise<{ roles: number; groups: number; organizations: number }> {
    if (toUserId === fromUserId) throw fieldError('fromUserId', 'must be another user');
    return this.db.transaction().execute(async (trx) => {
      await this.users.getRowFor(caller, toUserId, 'users:write', trx);
      await this.users.getRowFor(caller, fromUserId, 'users:read', trx);
      const roleIds = await directRoleIdsOf(trx, fromUserId);
      const roles = await findRoleRows(trx, roleIds);
      assertCanGrantRoles(caller.access, roles, 'the role');
      for (const roleId of roleIds) await addUserRole(trx, toUserId, roleId);
      const groupIds = await groupIdsOfUser(trx, fromUserId);
      await this.groups.addMembers(trx, caller, toUserId, groupIds);
      const memberships = await membershipsOf(trx, fromUserId);
      for (const m of memberships)
        await this.organizations.addMemberIn(trx, caller, m.organizationId, toUserId, m.roleIds);
      await this.users.refreshSearchText(trx, [toUserId]);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'user.access.copy',
        target: { type: 'user', id: toUserId },
        details: {
          fromUserId,
          roles: roles.map((r) => r.name),
          groups: groupIds.length,
          organizations: memberships.length,
        },
      });
      return { roles: roleIds.length, groups: groupIds.length, organizations: memberships.length };
    });
  }

  /** Used by user creation: the extra access a new user starts with, inside its creating transaction. */
  async grantAtCreation(
    trx: Db,
    caller: Caller,
    userId: string,
    input: { roleIds?: string[] | undefined; groupIds?: string[] | undefined; organizationId?: string | undefined },
  ): Promise<void> {
    if (input.roleIds?.length) {
      const unique = [...new Set(input.roleIds)];
      const roles = await findRoleRows(trx, unique);
      unique.forEach((id, i) => {
        if (!roles.some((r) => r.id === id)) throw fieldError(`roleIds.${i}`, 'is not a role');
      });
      assertCanGrantRoles(caller.access, roles, 'the role');
      for (const id of unique) await addUserRole(trx, userId, id);
    }
    if (input.groupIds?.length) await this.groups.addMembers(trx, caller, userId, input.groupIds);
    if (input.organizationId) await this.organizations.addMemberIn(trx, caller, input.organizationId, userId);
  }
}
