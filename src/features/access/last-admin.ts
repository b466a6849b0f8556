/**
 * The service always keeps one active administrator: a change that takes the Admin role away from people
 * (a group that grants it losing a member, the role or its existence; a user losing it, disabled or deleted)
 * is refused when none would remain.
 *
 * Under concurrency the count alone decides nothing (two demotions of the last two admins each see the other
 * one left), so every such change first takes the `admins` lock (db/locks.ts), BEFORE it reads or writes
 * anything the count depends on, and counts after its change: the second of two waits at the lock and then
 * counts what the first committed.
 */
import type { Db } from '../../db/database.ts';
import { lockRule } from '../../db/locks.ts';
import { AppError } from '../../errors.ts';
import { countActiveAdmins, usersHoldingRole } from '../roles/roles.store.ts';
import { builtInRoleIds } from './permissions.ts';

export function grantsAdmin(roles: readonly { id: string }[]): boolean {
  return roles.some((r) => r.id === builtInRoleIds.admin);
}

/** The first step of a change that may take the Admin role from someone: waits for any other such change. */
export async function lockAdmins(trx: Db): Promise<void> {
  await lockRule(trx, 'admins');
}

/** Whether the user counts as an administrator (active and holding the Admin role directly or through groups). */
export async function isActiveAdmin(trx: Db, user: { id: string; status: string }): Promise<boolean> {
  return user.status === 'active' && (await usersHoldingRole(trx, builtInRoleIds.admin)).includes(user.id);
}

/** Call inside the changing transaction, after lockAdmins and after the change: it rolls back with the 409. */
export async function assertAnAdminRemains(trx: Db): Promise<void> {
  if ((await countActiveAdmins(trx, builtInRoleIds.admin)) === 0) {
    throw new AppError('LAST_ADMIN', { detail: 'This would leave no active administrator' });
  }
}
