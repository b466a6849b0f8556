/**
 * Effective permissions: the one function that decides what a user may do, and explains why.
 * Global permissions come from direct and group roles; organization roles grant their permissions
 * only over that organization's members (the delegated-admin model).
 */
import type { Db } from '../../db/database.ts';
import { type HeldRole, rolesHeldBy } from './access.store.ts';
import {
  permissions as catalogue,
  isPermission,
  organizationScopedPermissions,
  type Permission,
} from './permissions.ts';

export type Access = {
  global: ReadonlySet<Permission>;
  /** organizationId → permissions held over that organization's members. */
  byOrganization: ReadonlyMap<string, ReadonlySet<Permission>>;
  isAdmin: boolean;
};

export const noAccess: Access = { global: new Set(), byOrganization: new Map(), isAdmin: false };

export type Grant = {
  permission: Permission;
  via: 'direct' | 'group' | 'organization';
  role: string;
  /** 'Engineering > Staff' when held through a group and its parent. */
  groupPath?: string;
  organizationId?: string;
};

function expand(permissionsJson: string): Permission[] {
  const list = JSON.parse(permissionsJson) as string[];
  if (list.includes('*')) return [...catalogue];
  return list.filter(isPermission);
}

/** What a held role grants: inside an organization, only the organization-scoped permissions. */
function granted(h: HeldRole): Permission[] {
  const all = expand(h.permissions);
  return h.via === 'organization' ? all.filter((p) => organizationScopedPermissions.has(p)) : all;
}

export async function explainPermissions(db: Db, userId: string): Promise<Grant[]> {
  const held = await rolesHeldBy(db, userId);
  return held.flatMap((h) =>
    granted(h).map((permission) => ({
      permission,
      via: h.via,
      role: h.roleName,
      ...(h.groupChain ? { groupPath: h.groupChain.split(' > ').reverse().join(' > ') } : {}),
      ...(h.organizationId ? { organizationId: h.organizationId } : {}),
    })),
  );
}

export async function accessOf(db: Db, userId: string): Promise<Access> {
  const held = await rolesHeldBy(db, userId);
  const global = new Set<Permission>();
  const byOrganization = new Map<string, Set<Permission>>();
  let isAdmin = false;
  for (const h of held) {
    if (h.via === 'organization' && h.organizationId) {
      const set = byOrganization.get(h.organizationId) ?? new Set<Permission>();
      for (const p of granted(h)) set.add(p);
      byOrganization.set(h.organizationId, set);
    } else {
      if (h.permissions.includes('"*"')) isAdmin = true;
      for (const p of expand(h.permissions)) global.add(p);
    }
  }
  return { global, byOrganization, isAdmin };
}

/** Whether the access holds a permission anywhere (globally or in some organization): the route-level gate. */
export function holdsAnywhere(access: Access, permission: Permission): boolean {
  if (access.global.has(permission)) return true;
  for (const set of access.byOrganization.values()) if (set.has(permission)) return true;
  return false;
}

/** Organizations over whose members the permission is held; `'all'` when it is held globally. */
export function scopeOf(access: Access, permission: Permission): 'all' | string[] {
  if (access.global.has(permission)) return 'all';
  return [...access.byOrganization].filter(([, set]) => set.has(permission)).map(([id]) => id);
}

/** Narrows an access to a subset of permissions (an API key's scopes). */
export function restrictAccess(access: Access, allowed: readonly Permission[]): Access {
  const keep = (set: ReadonlySet<Permission>) => new Set([...set].filter((p) => allowed.includes(p)));
  return {
    global: keep(access.global),
    byOrganization: new Map([...access.byOrganization].map(([id, set]) => [id, keep(set)])),
    isAdmin: access.isAdmin && catalogue.every((p) => allowed.includes(p)),
  };
}

/** Every permission held anywhere, for the console to show only what the user may do. */
export function allHeld(access: Access): Permission[] {
  const all = new Set(access.global);
  for (const set of access.byOrganization.values()) for (const p of set) all.add(p);
  return catalogue.filter((p) => all.has(p));
}
