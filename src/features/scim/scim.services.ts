/** Wires the SCIM services (one line in src/services.ts). */
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db, Dialect } from '../../db/database.ts';
import type { GroupsService } from '../groups/groups.service.ts';
import type { UserLifecycleService } from '../users/users.lifecycle.ts';
import type { UsersService } from '../users/users.service.ts';
import { ScimGroupsService } from './scim.groups.service.ts';
import { ScimUsersService } from './scim.users.service.ts';

export function createScimServices(
  deps: { db: Db; dialect: Dialect; clock: Clock; config: Config },
  services: { users: UsersService; lifecycle: UserLifecycleService; groups: GroupsService },
) {
  const baseUrl = `${deps.config.publicUrl}/scim/v2`;
  return {
    scimUsers: new ScimUsersService(deps.db, deps.dialect, deps.clock, services.users, services.lifecycle, baseUrl),
    scimGroups: new ScimGroupsService(deps.db, deps.clock, services.groups, baseUrl),
  };
}
