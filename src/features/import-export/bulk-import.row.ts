/**
 * One import row against the directory, inside its batch's transaction: validate with the users rules, find the
 * user by username (or email), insert or update only what differs, add the memberships the row names.
 */
import { type Clock, iso } from '../../clock.ts';
import { isSupportedHash } from '../../crypto/foreign-hashes.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db, UserRow, UsersTable } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Caller } from '../access/caller.ts';
import { recordEvent } from '../events/events.service.ts';
import type { Settings } from '../settings/settings.schema.ts';
import { buildSearchText } from '../users/users.search.ts';
import { diffAudited } from '../users/users.service.ts';
import { findUserByLogin, insertUser, updateUserRow } from '../users/users.store.ts';
import { blankToNull, checkUsername, loginKey, normalizePhone } from '../users/users.validation.ts';
import { type ImportRow, importRowSchema } from './bulk-import.schema.ts';
import { addMemberships, insertGroup, type NameIndex } from './bulk-import.store.ts';

export type RowOutcome = 'created' | 'updated' | 'unchanged';
export type RowContext = { trx: Db; clock: Clock; caller: Caller; settings: Settings; names: NameIndex };

/** Validates a raw record; throws a one-line reason for the refused list. */
export function validateRow(record: Record<string, unknown>, settings: Settings): ImportRow {
  const parsed = importRowSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RowRefused(`${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'is not valid'}`);
  }
  const row = parsed.data;
  try {
    checkUsername(row.username, settings);
    if (row.phone !== undefined) row.phone = normalizePhone(row.phone) ?? null;
  } catch (error) {
    if (error instanceof AppError) throw new RowRefused(error.message);
    throw error;
  }
  if (row.passwordHash && !isSupportedHash(row.passwordHash)) {
    throw new RowRefused('passwordHash: is not an argon2, bcrypt or PBKDF2-SHA256 hash Gatehouse can verify');
  }
  return row;
}

export class RowRefused extends Error {}

export async function applyRow(ctx: RowContext, row: ImportRow): Promise<{ outcome: RowOutcome; userId: string }> {
  const { trx, names } = ctx;
  const roleIds = (row.roles ?? []).map((n) => {
    const role = names.roles.get(n.normalize('NFKC').toLowerCase());
    if (!role) throw new RowRefused(`roles: no role named "${n}"`);
    return role.id;
  });
  const organizationIds = (row.organizations ?? []).map((n) => {
    const id = names.organizations.get(n.toLowerCase());
    if (!id) throw new RowRefused(`organizations: no organization named "${n}"`);
    return id;
  });
  const byUsername = await findUserByLogin(trx, loginKey(row.username));
  const emailOwner = row.email ? await findUserByLogin(trx, loginKey(row.email)) : undefined;
  const existing = byUsername?.username_key === loginKey(row.username) ? byUsername : emailOwner;
  if (emailOwner && emailOwner.id !== existing?.id && emailOwner.email_key === loginKey(row.email ?? '')) {
    throw new RowRefused(`email: is already in use by ${emailOwner.username}`);
  }
  // One at a time: a row may name a new group twice (or in another case), which must be created once.
  const groupIds: string[] = [];
  for (const name of row.groups ?? []) {
    const id = await groupIdFor(ctx, name);
    if (!groupIds.includes(id)) groupIds.push(id);
  }
  const now = iso(ctx.clock.now());
  const before = existing ?? newUserRow(ctx, row, now);
  const after = { ...before, ...fieldsOf(row, before) };
  const changes = diffAudited(before, after);
  const hashChanged = after.password_hash !== before.password_hash;
  if (!existing) {
    await insertUser(trx, { ...after, search_text: searchTextOf(after) });
  } else if (Object.keys(changes).length > 0 || hashChanged) {
    await updateUserRow(trx, existing.id, {
      ...fieldsOf(row, before),
      search_text: searchTextOf(after),
      updated_at: now,
    });
  }
  const added = await addMemberships(trx, after.id, groupIds, roleIds, organizationIds, now);
  const outcome: RowOutcome = !existing
    ? 'created'
    : Object.keys(changes).length || hashChanged || added
      ? 'updated'
      : 'unchanged';
  if (outcome !== 'unchanged') {
    await recordEvent(trx, ctx.clock, ctx.caller.actor, {
      action: outcome === 'created' ? 'user.import.create' : 'user.import.update',
      target: { type: 'user', id: after.id },
      details: { username: after.username, changes, passwordReplaced: hashChanged, membershipsAdded: added },
    });
  }
  return { outcome, userId: after.id };
}

function searchTextOf(row: UsersTable): string {
  return buildSearchText([row.username, row.display_name, row.email, row.department]);
}

/** The columns a row sets: only those present in the file (absent columns leave the user alone). */
function fieldsOf(row: ImportRow, before: UsersTable): Partial<UsersTable> {
  const f: Partial<UsersTable> = { username: row.username, username_key: loginKey(row.username) };
  if (row.email !== undefined) {
    f.email = row.email;
    f.email_key = row.email ? loginKey(row.email) : null;
    if (f.email_key !== before.email_key) f.email_verified = 0;
  }
  if (row.phone !== undefined && row.phone !== before.phone) Object.assign(f, { phone: row.phone, phone_verified: 0 });
  if (row.displayName !== undefined) f.display_name = blankToNull(row.displayName) ?? null;
  if (row.department !== undefined) f.department = row.department;
  if (row.description !== undefined) f.description = row.description;
  if (row.comments !== undefined) f.comments = row.comments;
  if (row.attributes !== undefined) {
    const json = JSON.stringify(row.attributes);
    // Same content in another key order is no change.
    if (JSON.stringify(sortKeys(JSON.parse(before.attributes))) !== JSON.stringify(sortKeys(row.attributes)))
      f.attributes = json;
  }
  if (row.path !== undefined) f.path = row.path;
  if (row.type !== undefined) f.type = row.type;
  if (row.status !== undefined) f.status = row.status;
  if (row.passwordHash) f.password_hash = row.passwordHash;
  return f;
}

function sortKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

function newUserRow(ctx: RowContext, row: ImportRow, now: string): UserRow {
  return {
    id: newId(ctx.clock.now()),
    username: row.username,
    username_key: loginKey(row.username),
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
  };
}

/** A group a row names, created (with its audit event) when missing. */
export async function groupIdFor(
  ctx: RowContext,
  name: string,
  extra: { description?: string | null; parentId?: string | null } = {},
): Promise<string> {
  const key = name.normalize('NFKC').toLowerCase();
  const known = ctx.names.groups.get(key);
  if (known) return known;
  if ([...name].length > 100) throw new RowRefused(`groups: "${name.slice(0, 20)}…" is longer than 100 characters`);
  const now = ctx.clock.now();
  const id = newId(now);
  await insertGroup(ctx.trx, {
    id,
    name,
    name_key: key,
    created_at: iso(now),
    description: extra.description ?? null,
    parent_id: extra.parentId ?? null,
  });
  await recordEvent(ctx.trx, ctx.clock, ctx.caller.actor, {
    action: 'group.create',
    target: { type: 'group', id },
    details: { name, via: 'import' },
  });
  ctx.names.groups.set(key, id);
  return id;
}
