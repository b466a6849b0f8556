/**
 * The one mapping from a user's fields, as any door sends them (the admin API and console, SCIM through the users
 * service, the import's rows), to the columns of its row: the same normalisation (login keys, E.164 phones,
 * blank text as null) and the same rule for the verified flags wherever a user is created or changed.
 */
import type { UsersTable } from '../../db/database.ts';
import { blankToNull, loginKey, normalizePhone } from '../users/users.validation.ts';
import type { UserChanges } from './user-writes.ts';

/** A user's fields; an absent one is left as it is (on a change) or takes its default (on creation). */
export type UserFields = {
  username?: string | undefined;
  displayName?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  department?: string | null | undefined;
  description?: string | null | undefined;
  comments?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
  path?: string | undefined;
  type?: string | undefined;
  mustChangePassword?: boolean | undefined;
};

/** The columns the fields set. A new email or phone is unverified; `keepVerifiedFlags` undoes that for an unchanged one. */
export function userColumns(fields: UserFields): UserChanges {
  const c: UserChanges = {};
  if (fields.username !== undefined)
    Object.assign(c, { username: fields.username, username_key: loginKey(fields.username) });
  if (fields.email !== undefined) {
    Object.assign(c, {
      email: fields.email,
      email_key: fields.email ? loginKey(fields.email) : null,
      email_verified: 0,
    });
  }
  if (fields.phone !== undefined) Object.assign(c, { phone: normalizePhone(fields.phone) ?? null, phone_verified: 0 });
  if (fields.displayName !== undefined) c.display_name = blankToNull(fields.displayName) ?? null;
  if (fields.department !== undefined) c.department = blankToNull(fields.department) ?? null;
  if (fields.description !== undefined) c.description = blankToNull(fields.description) ?? null;
  if (fields.comments !== undefined) c.comments = blankToNull(fields.comments) ?? null;
  if (fields.attributes !== undefined) c.attributes = JSON.stringify(fields.attributes);
  if (fields.path !== undefined) c.path = fields.path;
  if (fields.type !== undefined) c.type = fields.type;
  if (fields.mustChangePassword !== undefined) c.must_change_password = fields.mustChangePassword ? 1 : 0;
  return c;
}

/** An email or phone set to what the user already has keeps its verified flag (the same address, re-sent). */
export function keepVerifiedFlags(before: UsersTable, c: UserChanges): UserChanges {
  if (c.email_key !== undefined && c.email_key === before.email_key) delete c.email_verified;
  if (c.phone !== undefined && c.phone === before.phone) {
    delete c.phone;
    delete c.phone_verified;
  }
  return c;
}

/** A new user's row: the defaults every door starts from, then the columns its fields set. */
export function newUserRow(id: string, now: string, username: string, c: Partial<UsersTable>): UsersTable {
  return {
    id,
    username,
    username_key: loginKey(username),
    display_name: null,
    email: null,
    email_key: null,
    email_verified: 0,
    phone: null,
    phone_verified: 0,
    department: null,
    description: null,
    comments: null,
    attributes: '{}',
    path: 'users',
    type: 'internal',
    status: 'active',
    must_change_password: 0,
    password_hash: null,
    mfa_enabled: 0,
    search_text: '',
    created_at: now,
    updated_at: now,
    last_login_at: null,
    ...c,
  };
}
