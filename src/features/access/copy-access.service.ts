/**
 * "Copy access": give user B the roles, groups and organization memberships of user A, in one transaction,
 * through the write path's grants (the same escalation checks as granting each one by hand).
 */
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { fieldError } from '../../errors.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import { recordEvent } from '../events/events.service.ts';
import { groupIdsOfUser } from '../groups/groups.store.ts';
import { membershipsOf } from '../organizations/organizations.store.ts';
import { directRoleIdsOf, findRoleRows } from '../roles/roles.store.ts';
import type { Caller } from './caller.ts';

export class CopyAccessService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly writes: UserWrites,
    private readonly access: AccessWrites,
  ) {}

  async copy(
    caller: Caller,
    toUserId: string,
    fromUserId: string,
  ): Promise<{ roles: number; groups: number; organizations: number }> {
    if (toUserId === fromUserId) throw fieldError('fromUserId', 'must be another user');
    return this.db.transaction().execute(async (trx) => {
      await this.writes.loadFor(trx, caller, toUserId, 'users:write');
      await this.writes.loadFor(trx, caller, fromUserId, 'users:read');
      const roleIds = await directRoleIdsOf(trx, fromUserId);
      const roles = await findRoleRows(trx, roleIds);
      await this.access.grantRoles(trx, caller, toUserId, roleIds);
      const groupIds = await groupIdsOfUser(trx, fromUserId);
      await this.access.addToGroups(trx, caller, toUserId, groupIds);
      const memberships = await membershipsOf(trx, fromUserId);
      for (const m of memberships)
        await this.access.addToOrganization(trx, caller, m.organizationId, toUserId, m.roleIds);
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
}
