// The console's sections and the permission that makes each one visible.

export interface NavItem {
  label: string;
  to: string;
  permission: string;
}

export const adminNav: NavItem[] = [
  { label: 'Users', to: '/admin/users', permission: 'users:read' },
  { label: 'Groups', to: '/admin/groups', permission: 'groups:read' },
  { label: 'Roles', to: '/admin/roles', permission: 'roles:read' },
  { label: 'Organizations', to: '/admin/organizations', permission: 'organizations:read' },
  { label: 'Invitations', to: '/admin/invitations', permission: 'invitations:manage' },
  { label: 'Sessions', to: '/admin/sessions', permission: 'sessions:read' },
  { label: 'API keys', to: '/admin/api-keys', permission: 'api-keys:manage' },
  { label: 'Audit log', to: '/admin/events', permission: 'events:read' },
  { label: 'Settings', to: '/admin/settings', permission: 'settings:read' },
  { label: 'Mail', to: '/admin/mail', permission: 'settings:read' },
  { label: 'Statistics', to: '/admin/stats', permission: 'users:read' },
];

export const accountNav: Omit<NavItem, 'permission'>[] = [
  { label: 'Profile', to: '/account' },
  { label: 'Password', to: '/account/password' },
  { label: 'Sign-in methods', to: '/account/security' },
  { label: 'Sessions', to: '/account/sessions' },
  { label: 'API keys', to: '/account/api-keys' },
];

/** True when the user holds at least one permission that opens a console section. */
export function hasConsoleAccess(permissions: readonly string[]): boolean {
  return adminNav.some((item) => permissions.includes(item.permission));
}
