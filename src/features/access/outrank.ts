/**
 * Acting on an account is as good as holding its permissions: whoever sets its password, mails its recovery
 * link, changes its email, disables or deletes it, ends its sessions or issues keys for it can become it. So a
 * caller changes only users whose every permission it holds itself, in the same scope (authentik
 * CVE-2024-37905, Keycloak CVE-2024-3656: a helpdesk must not take over an administrator). Reading is not
 * affected; a user acting on itself is not either.
 */
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { type Access, accessOf } from './access.service.ts';
import type { Permission } from './permissions.ts';

/** The route permissions that give control over the target account. */
/** A permission that gives control over the target account (see controllingPermissions). */
export type ControllingPermission = 'users:write' | 'users:delete' | 'sessions:revoke' | 'api-keys:manage';

export const controllingPermissions: ReadonlySet<Permission> = new Set<ControllingPermission>([
  'users:write',
  'users:delete',
  'sessions:revoke',
  'api-keys:manage',
]);

/** What the target holds that the caller does not (globally, or in the organization it is held in). */
export function notHeldBy(caller: Access, target: Access): string[] {
  if (caller.isAdmin) return [];
  if (target.isAdmin) return ['Admin'];
  const missing = new Set<string>([...target.global].filter((p) => !caller.global.has(p)));
  for (const [org, set] of target.byOrganization) {
    const there = caller.byOrganization.get(org);
    for (const p of set) if (!caller.global.has(p) && !there?.has(p)) missing.add(p);
  }
  return [...missing];
}

export async function assertOutranks(db: Db, caller: Access, targetId: string): Promise<void> {
  if (caller.isAdmin) return;
  const missing = notHeldBy(caller, await accessOf(db, targetId));
  if (missing.length > 0) {
    throw new AppError('OUTRANKED', {
      detail: `This user holds permissions you do not hold (${missing.join(', ')}); only someone who does may change it`,
    });
  }
}
