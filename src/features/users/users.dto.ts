/** Turns user rows into the User resource. Nothing secret is copied: the response schema would strip it anyway. */
import type { UserRow } from '../../db/database.ts';
import type { UserDto } from './users.schema.ts';
import type { UserRelations } from './users.store.ts';

export function toUserDto(row: UserRow, relations: UserRelations): UserDto {
  const groups = relations.groups.get(row.id) ?? [];
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    emailVerified: row.email_verified === 1,
    phone: row.phone,
    phoneVerified: row.phone_verified === 1,
    department: row.department,
    description: row.description,
    comments: row.comments,
    attributes: JSON.parse(row.attributes) as UserDto['attributes'],
    path: row.path,
    type: row.type as UserDto['type'],
    status: row.status as UserDto['status'],
    mustChangePassword: row.must_change_password === 1,
    mfaEnabled: row.mfa_enabled === 1,
    roles: relations.roles.get(row.id) ?? [],
    groups,
    organizations: relations.organizations.get(row.id) ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    stats: {
      sessions: relations.sessionCounts.get(row.id) ?? 0,
      apiKeys: relations.apiKeyCounts.get(row.id) ?? 0,
      groups: groups.length,
    },
  };
}
