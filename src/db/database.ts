/**
 * Kysely table types. One schema serves SQLite and PostgreSQL, so the column types are the common ground:
 * text ids, ISO 8601 UTC text timestamps (they sort as text), integer 0/1 flags, JSON as text.
 */
import type { Generated, Kysely, Selectable } from 'kysely';

/** 0 or 1: booleans are integers on both dialects. */
export type Flag = number;

export interface UsersTable {
  id: string;
  username: string;
  /** NFKC + lower case: the unique key that makes usernames case-insensitive. */
  username_key: string;
  display_name: string | null;
  email: string | null;
  email_key: string | null;
  email_verified: Flag;
  phone: string | null;
  phone_verified: Flag;
  department: string | null;
  description: string | null;
  comments: string | null;
  attributes: string;
  path: string;
  type: string;
  status: string;
  must_change_password: Flag;
  password_hash: string | null;
  mfa_enabled: Flag;
  /** Lower-cased text searched by `q` (see users.search.ts). */
  search_text: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry; the idle expiry is derived from last_seen_at and the settings. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface RolesTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  permissions: string;
  built_in: Flag;
  created_at: string;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
}

export interface GroupsTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  parent_id: string | null;
  created_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface GroupRolesTable {
  group_id: string;
  role_id: string;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  created_at: string;
}

export interface OrganizationMembersTable {
  organization_id: string;
  user_id: string;
  created_at: string;
}

export interface OrganizationMemberRolesTable {
  organization_id: string;
  user_id: string;
  role_id: string;
}

export interface EventsTable {
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: string;
  details: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  owner_id: string | null;
  permissions: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface MigrationLockMarker {
  id: Generated<number>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_roles: GroupRolesTable;
  organizations: OrganizationsTable;
  organization_members: OrganizationMembersTable;
  organization_member_roles: OrganizationMemberRolesTable;
  events: EventsTable;
  api_keys: ApiKeysTable;
}

export type Db = Kysely<Database>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type Dialect = 'sqlite' | 'postgres';
