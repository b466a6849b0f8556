/**
 * The service always keeps one active administrator: a change that takes the Admin role away from people
 * (a group that grants it losing a member, the role or its existence) is refused when none would remain.
 */
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { countActiveAdmins } from '../roles/roles.store.ts';
import { builtInRoleIds } from './permissions.ts';

export function grantsAdmin(roles: readonly { id: string }[]): boolean {
  return roles.some((r) => r.id === builtInRoleIds.admin);
}

/** Call inside the changing transaction, after the change: it rolls back with the 409. */
export async function assertAnAdminRemains(trx: Db): Promise<void> {
  if ((await countActiveAdmins(trx, builtInRoleIds.admin)) === 0) {
    throw new AppError('CONFLICT', { detail: 'This would leave no active administrator' });
  }
}
