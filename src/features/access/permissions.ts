/** The permission catalogue of the public contract. */
export const permissions = [
  'users:read',
  'users:write',
  'users:delete',
  'groups:read',
  'groups:write',
  'roles:read',
  'roles:write',
  'organizations:read',
  'organizations:write',
  'sessions:read',
  'sessions:revoke',
  'api-keys:manage',
  'invitations:manage',
  'events:read',
  'settings:read',
  'settings:write',
  'applications:manage',
] as const;

export type Permission = (typeof permissions)[number];

export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value);
}

/**
 * What a role held in an organization grants there: permissions over that organization's members and the
 * organization itself, and reading the role and group catalogues to assign them. Groups, roles, settings,
 * system API keys, applications and the audit trail are global: an organization role naming them grants nothing
 * (else an organization admin could rename every group or change the settings of the whole service).
 */
export const organizationScopedPermissions: ReadonlySet<Permission> = new Set<Permission>([
  'users:read',
  'users:write',
  'users:delete',
  'sessions:read',
  'sessions:revoke',
  'organizations:read',
  'organizations:write',
  'invitations:manage',
  'groups:read',
  'roles:read',
]);

/** Fixed ids of the built-in roles, seeded by migration 0003. */
export const builtInRoleIds = { admin: 'role-admin', user: 'role-user' } as const;
