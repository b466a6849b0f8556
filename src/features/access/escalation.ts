/**
 * Nobody grants a role, permission or key scope it does not hold (authentik CVE-2024-37905, Keycloak
 * CVE-2024-3656). A role is grantable when the caller holds each of its permissions globally, or, for a grant
 * inside one organization, in that organization. The Admin role (`*`) is grantable only by an admin.
 */
import { AppError } from '../../errors.ts';
import type { Access } from './access.service.ts';
import { isPermission, type Permission } from './permissions.ts';

export type RoleLike = { name: string; permissions: string };

export function rolePermissions(role: RoleLike): { all: boolean; list: Permission[] } {
  const raw = JSON.parse(role.permissions) as string[];
  return { all: raw.includes('*'), list: raw.filter(isPermission) };
}

export function canGrantRole(access: Access, role: RoleLike, organizationId?: string): boolean {
  const { all, list } = rolePermissions(role);
  if (all) return access.isAdmin;
  const inOrg = organizationId ? access.byOrganization.get(organizationId) : undefined;
  return list.every((p) => access.global.has(p) || inOrg?.has(p) === true);
}

export function assertCanGrantRoles(access: Access, roles: RoleLike[], what: string, organizationId?: string): void {
  for (const role of roles) {
    if (!canGrantRole(access, role, organizationId)) {
      throw new AppError('ESCALATION_DENIED', {
        detail: `You cannot grant ${what} "${role.name}": it carries permissions you do not hold`,
      });
    }
  }
}

export function assertCanGrantPermissions(access: Access, permissions: readonly Permission[], what: string): void {
  const missing = permissions.filter((p) => !access.global.has(p));
  if (missing.length > 0) {
    throw new AppError('ESCALATION_DENIED', {
      detail: `You cannot grant ${what} permissions you do not hold: ${missing.join(', ')}`,
    });
  }
}
