/**
 * The rules every change to a user passes, whichever door it comes through (the API, the console, the CLI, SCIM,
 * invitations, copy access, the import's batches). Each is a small check that throws the AppError naming the rule;
 * the row-by-row services and the import's batch mode call the same functions, so a rule cannot hold on one path
 * and be skipped on another (the import once granted Admin and rewrote an administrator's email: issue 23).
 */
import type { Db, UserRow } from '../../db/database.ts';
import { AppError, fieldError } from '../../errors.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { lockAdmins } from '../access/last-admin.ts';
import { assertOutranks } from '../access/outrank.ts';
import type { Permission } from '../access/permissions.ts';
import { builtInRoleIds } from '../access/permissions.ts';
import { countActiveAdmins, findRoleRows } from '../roles/roles.store.ts';

export type RoleRow = Awaited<ReturnType<typeof findRoleRows>>[number];

import { organizationIdsOf } from '../users/users.store.ts';

/**
 * Scope and outrank: a delegated admin reaches only the members of its organizations (outside them a user does
 * not exist: 404), and whoever changes an account holds every permission that account holds (self exempt), since
 * setting its email, password or status is as good as becoming it (authentik CVE-2024-37905).
 */
export async function assertMayChange(
  db: Db,
  caller: Caller,
  user: UserRow,
  permission: Permission,
  outrank = true,
): Promise<void> {
  const scope = scopeOf(caller.access, permission);
  if (scope !== 'all') {
    const orgs = await organizationIdsOf(db, user.id);
    if (!orgs.some((o) => scope.includes(o))) throw new AppError('USER_NOT_FOUND');
  }
  if (outrank && caller.user?.id !== user.id) await assertOutranks(db, caller.access, user.id);
}

/** The roles named by id, each once; an unknown one answers 400 naming `field.N`. */
export async function knownRoles(db: Db, roleIds: readonly string[], field: string): Promise<RoleRow[]> {
  const unique = [...new Set(roleIds)];
  const rows = await findRoleRows(db, unique);
  unique.forEach((id, i) => {
    if (!rows.some((r) => r.id === id)) throw fieldError(`${field}.${i}`, 'is not a role');
  });
  return rows;
}

/**
 * A status change: nobody disables itself, an invited user becomes active only by accepting its invitation, and
 * the last active administrator stays active. Call before the write;
 * assertAnAdminRemains after it is the backstop.
 */
export async function assertStatusChange(
  db: Db,
  caller: Caller,
  before: UserRow,
  status: string,
  targetIsAdmin: boolean,
): Promise<void> {
  if (status === before.status) return;
  if (status !== 'active' && caller.user?.id === before.id) {
    throw new AppError('CANNOT_DELETE_SELF', { detail: 'You cannot disable your own account' });
  }
  if (before.status === 'invited' && status === 'active') {
    throw new AppError('USER_STATUS', { detail: 'An invited user becomes active by accepting its invitation' });
  }
  if (targetIsAdmin && before.status === 'active') {
    // Counted under the admins lock (last-admin.ts), as every change that may take an administrator away is.
    await lockAdmins(db);
    if ((await countActiveAdmins(db, builtInRoleIds.admin)) <= 1) {
      throw new AppError('LAST_ADMIN', { detail: 'This would leave no active administrator' });
    }
  }
}
