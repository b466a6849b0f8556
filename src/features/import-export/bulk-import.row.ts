/**
 * One import row against the directory, inside its batch's transaction: validate with the users rules, find the
 * user by username (or email), insert or update only what differs, add the memberships the row names.
 */

import { dataChanged } from '../../cache/epoch-cache.ts';
import { type Clock, iso } from '../../clock.ts';
import { isSupportedHash } from '../../crypto/foreign-hashes.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db, UserRow, UsersTable } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { accessOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { assertCanGrantRoles, type RoleLike } from '../access/escalation.ts';
import { assertAnAdminRemains } from '../access/last-admin.ts';
import { assertStatusChange } from '../directory/directory.rules.ts';
import type { ImportBatchWrites } from '../directory/import-batch-writes.ts';
import { keepVerifiedFlags, newUserRow, userColumns } from '../directory/user-row.ts';
import type { Changeable } from '../directory/user-writes.ts';
import { type EventInput, eventRow, recordEvent } from '../events/events.service.ts';
import type { Settings } from '../settings/settings.schema.ts';
import { buildSearchText } from '../users/users.search.ts';
import { diffAudited } from '../users/users.service.ts';
import { checkUsername, loginKey, normalizePhone } from '../users/users.validation.ts';
import { type ImportRow, importRowSchema } from './bulk-import.schema.ts';
import { findUsersByLoginKeys, insertEvents, insertGroup, type NameIndex } from './bulk-import.store.ts';

export type RowOutcome = 'created' | 'updated' | 'unchanged';
export type RowContext = {
  trx: Db;
  /** The write path's batch mode: the only way this file writes users and memberships. */
  writes: ImportBatchWrites;
  clock: Clock;
  caller: Caller;
  settings: Settings;
  names: NameIndex;
  /** Set when a row disabled an administrator: the batch then checks that one remains before it commits. */
  adminsMayBeLost?: boolean;
};

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

/**
 * What a batch accumulates: the users it names as they stand (read once, then kept in step with the rows applied),
 * and the new users with their memberships and events, written together at the end of the batch.
 */
export type BatchState = {
  byUsernameKey: Map<string, UserRow>;
  byEmailKey: Map<string, UserRow>;
  newUsers: UsersTable[];
  memberships: {
    groups: { group_id: string; user_id: string }[];
    roles: { user_id: string; role_id: string }[];
    organizations: { organization_id: string; user_id: string; created_at: string }[];
  };
  events: EventInput[];
  /** Existing users whose memberships changed: their search text is rebuilt from the database. */
  touched: string[];
  /** Ids of the new users planned so far, with their memberships (a file may name one user twice). */
  planned: Map<string, Memberships>;
};

/** Reads, in one query, every user the batch's rows name by username or email. */
export async function startBatch(ctx: RowContext, rows: ImportRow[]): Promise<BatchState> {
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(loginKey(row.username));
    if (row.email) keys.add(loginKey(row.email));
  }
  const state: BatchState = {
    byUsernameKey: new Map(),
    byEmailKey: new Map(),
    newUsers: [],
    memberships: { groups: [], roles: [], organizations: [] },
    events: [],
    touched: [],
    planned: new Map(),
  };
  for (const user of await findUsersByLoginKeys(ctx.trx, [...keys])) remember(state, user);
  return state;
}

/** Writes the batch's new users, their memberships and their events: a few multi-row statements. */
export async function finishBatch(ctx: RowContext, state: BatchState): Promise<void> {
  await ctx.writes.insertNew(ctx.trx, state.newUsers, state.memberships);
  if (ctx.adminsMayBeLost) await assertAnAdminRemains(ctx.trx);
  if (state.events.length === 0) return;
  const now = ctx.clock.now();
  await insertEvents(
    ctx.trx,
    state.events.map((e) => eventRow(now, ctx.caller.actor, e)),
  );
  // As recordEvent does: the per-process read caches (session check) drop what they hold.
  dataChanged();
}

function remember(state: BatchState, user: UserRow): void {
  state.byUsernameKey.set(user.username_key, user);
  if (user.email_key) state.byEmailKey.set(user.email_key, user);
}

function forget(state: BatchState, user: UserRow): void {
  if (state.byUsernameKey.get(user.username_key)?.id === user.id) state.byUsernameKey.delete(user.username_key);
  if (user.email_key && state.byEmailKey.get(user.email_key)?.id === user.id) state.byEmailKey.delete(user.email_key);
}

/** As findUserByLogin answers: the user with this username, else the one with this email. */
function byLogin(state: BatchState, key: string): UserRow | undefined {
  return state.byUsernameKey.get(key) ?? state.byEmailKey.get(key);
}

export async function applyRow(
  ctx: RowContext,
  state: BatchState,
  row: ImportRow,
): Promise<{ outcome: RowOutcome; userId: string }> {
  const { names } = ctx;
  const roles = (row.roles ?? []).map((n) => {
    const role = names.roles.get(n.normalize('NFKC').toLowerCase());
    if (!role) throw new RowRefused(`roles: no role named "${n}"`);
    return role;
  });
  const roleIds = roles.map((r) => r.id);
  const organizationIds = (row.organizations ?? []).map((n) => {
    const id = names.organizations.get(n.toLowerCase());
    if (!id) throw new RowRefused(`organizations: no organization named "${n}"`);
    return id;
  });
  const usernameKey = loginKey(row.username);
  const emailKey = row.email ? loginKey(row.email) : undefined;
  const byUsername = byLogin(state, usernameKey);
  const emailOwner = emailKey ? byLogin(state, emailKey) : undefined;
  const existing = byUsername?.username_key === usernameKey ? byUsername : emailOwner;
  if (emailOwner && emailOwner.id !== existing?.id && emailOwner.email_key === emailKey) {
    throw new RowRefused(`email: is already in use by ${emailOwner.username}`);
  }
  // The write path's rules, before anything of the row is written: nothing is granted that the caller does not
  // hold (directly or through a group's roles), and an existing user is changed only by whoever outranks it.
  await obeyRules(() => {
    assertCanGrantRoles(ctx.caller.access, roles, 'the role');
    assertCanGrantRoles(
      ctx.caller.access,
      rolesThroughNamedGroups(names, row.groups ?? []),
      'through the group the role',
    );
  });
  const admitted =
    existing && !state.planned.has(existing.id) ? await obeyRules(() => admitUpdate(ctx, existing, row)) : undefined;
  // Every name is checked before any group is created: a refused row leaves no group behind.
  for (const name of row.groups ?? []) assertGroupName(name);
  // One at a time: a row may name a new group twice (or in another case), which must be created once.
  const groupIds: string[] = [];
  for (const name of row.groups ?? []) {
    const id = await groupIdFor(ctx, name);
    if (!groupIds.includes(id)) groupIds.push(id);
  }
  const now = iso(ctx.clock.now());
  const m = { groupIds, roleIds, organizationIds };
  if (!existing) return planNewUser(ctx, state, row, m, now);
  if (!admitted) return updatePlanned(ctx, state, existing, row, m);
  return updateExisting(ctx, state, admitted, row, m, now);
}

type Memberships = { groupIds: string[]; roleIds: string[]; organizationIds: string[] };

/** A rule's refusal refuses the row, naming the rule's code; nothing of the row has been written yet. */
async function obeyRules<T>(check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof AppError) throw new RowRefused(`${error.code}: ${error.message}`);
    throw error;
  }
}

/**
 * An existing user named by a row: the caller must outrank it (the row may set its email, password hash or
 * status: the takeover of issue 23), and a status change obeys the status rules.
 */
async function admitUpdate(ctx: RowContext, existing: UserRow, row: ImportRow): Promise<Changeable> {
  const admitted = await ctx.writes.admit(ctx.trx, ctx.caller, existing, 'users:write');
  if (row.status !== undefined && row.status !== existing.status) {
    const targetIsAdmin = (await accessOf(ctx.trx, existing.id)).isAdmin;
    await assertStatusChange(ctx.trx, ctx.caller, existing, row.status, targetIsAdmin);
    if (targetIsAdmin) ctx.adminsMayBeLost = true;
  }
  return admitted;
}

/** The roles existing groups named by a row grant, with their parents' (a group the row creates grants none). */
function rolesThroughNamedGroups(names: NameIndex, groupNames: readonly string[]): RoleLike[] {
  const out: RoleLike[] = [];
  for (const name of groupNames) {
    let id: string | null = names.groups.get(name.normalize('NFKC').toLowerCase()) ?? null;
    for (let depth = 0; id && depth < 32; depth++) {
      const group = names.groupsById.get(id);
      if (!group) break;
      for (const roleId of group.roleIds) {
        const role = names.rolesById.get(roleId);
        if (role) out.push(role);
      }
      id = group.parentId;
    }
  }
  return out;
}

/** A new user is only planned here; finishBatch writes it with the batch's other new users. */
function planNewUser(
  ctx: RowContext,
  state: BatchState,
  row: ImportRow,
  m: Memberships,
  now: string,
): { outcome: RowOutcome; userId: string } {
  const before = newRowFor(ctx, row, now);
  const after: UserRow = { ...before, ...fieldsOf(row, before) };
  after.search_text = plannedSearchText(ctx.names, after, m);
  state.newUsers.push(after);
  state.planned.set(after.id, {
    groupIds: [...m.groupIds],
    roleIds: [...m.roleIds],
    organizationIds: [...m.organizationIds],
  });
  remember(state, after);
  for (const group_id of m.groupIds) state.memberships.groups.push({ group_id, user_id: after.id });
  for (const role_id of m.roleIds) state.memberships.roles.push({ user_id: after.id, role_id });
  for (const organization_id of m.organizationIds)
    state.memberships.organizations.push({ organization_id, user_id: after.id, created_at: now });
  const added = m.groupIds.length + m.roleIds.length + m.organizationIds.length;
  state.events.push({
    action: 'user.import.create',
    target: { type: 'user', id: after.id },
    details: {
      username: after.username,
      changes: diffAudited(before, after),
      credentialReplaced: after.password_hash !== before.password_hash,
      membershipsAdded: added,
    },
  });
  return { outcome: 'created', userId: after.id };
}

/** A later row of the same file for a user planned earlier in the batch: merged into the planned row. */
function updatePlanned(
  ctx: RowContext,
  state: BatchState,
  planned: UserRow,
  row: ImportRow,
  m: Memberships,
): { outcome: RowOutcome; userId: string } {
  const held = state.planned.get(planned.id)!;
  const fields = fieldsOf(row, planned);
  const after: UserRow = { ...planned, ...fields };
  const changes = diffAudited(planned, after);
  const hashChanged = after.password_hash !== planned.password_hash;
  const now = planned.created_at;
  const add = <T>(have: T[], want: T[]) => want.filter((x) => !have.includes(x));
  const groups = add(held.groupIds, m.groupIds);
  const roles = add(held.roleIds, m.roleIds);
  const organizations = add(held.organizationIds, m.organizationIds);
  held.groupIds.push(...groups);
  held.roleIds.push(...roles);
  held.organizationIds.push(...organizations);
  for (const group_id of groups) state.memberships.groups.push({ group_id, user_id: planned.id });
  for (const role_id of roles) state.memberships.roles.push({ user_id: planned.id, role_id });
  for (const organization_id of organizations)
    state.memberships.organizations.push({ organization_id, user_id: planned.id, created_at: now });
  const added = groups.length + roles.length + organizations.length;
  if (Object.keys(changes).length === 0 && !hashChanged && added === 0)
    return { outcome: 'unchanged', userId: planned.id };
  forget(state, planned);
  Object.assign(planned, fields);
  planned.search_text = plannedSearchText(ctx.names, planned, held);
  remember(state, planned);
  state.events.push({
    action: 'user.import.update',
    target: { type: 'user', id: planned.id },
    details: { username: planned.username, changes, credentialReplaced: hashChanged, membershipsAdded: added },
  });
  return { outcome: 'updated', userId: planned.id };
}

/** A new user's search text, as users.search-refresh.ts would build it once its memberships are written. */
function plannedSearchText(names: NameIndex, user: UserRow, m: Memberships): string {
  const memberships = new Set([...membershipNames(names, m), ...roleNames(names, m)]);
  return buildSearchText([user.username, user.display_name, user.email, user.department, ...memberships]);
}

/** Names of the groups and organizations a new user joins, as users.search-refresh.ts reads them. */
function membershipNames(names: NameIndex, m: Memberships): string[] {
  const groups = m.groupIds.map((id) => names.groupsById.get(id)?.name);
  const organizations = m.organizationIds.map((id) => names.organizationNamesById.get(id));
  return [...groups, ...organizations].filter((n): n is string => Boolean(n));
}

/** Roles a new user holds: its own, and those of its groups and their parents (as access.store's rolesHeldBy). */
function roleNames(names: NameIndex, m: Memberships): string[] {
  const out = m.roleIds.map((id) => names.roleNamesById.get(id)).filter((n): n is string => Boolean(n));
  for (const start of m.groupIds) {
    let id: string | null = start;
    for (let depth = 0; id && depth < 32; depth++) {
      const group = names.groupsById.get(id);
      if (!group) break;
      out.push(...group.roleNames);
      id = group.parentId;
    }
  }
  return out;
}

/** An existing user is changed at once, only where the row differs (rare in a first load). */
async function updateExisting(
  ctx: RowContext,
  state: BatchState,
  existing: Changeable,
  row: ImportRow,
  m: Memberships,
  now: string,
): Promise<{ outcome: RowOutcome; userId: string }> {
  const { trx } = ctx;
  const fields = fieldsOf(row, existing);
  const after: UserRow = { ...existing, ...fields };
  const changes = diffAudited(existing, after);
  const hashChanged = after.password_hash !== existing.password_hash;
  if (Object.keys(changes).length > 0 || hashChanged) {
    await ctx.writes.update(trx, existing, { ...fields, search_text: searchTextOf(after), updated_at: now });
    forget(state, existing);
    remember(state, { ...after, updated_at: now });
  }
  const added = await ctx.writes.addMemberships(trx, existing, m, now);
  const outcome: RowOutcome = Object.keys(changes).length || hashChanged || added ? 'updated' : 'unchanged';
  if (outcome !== 'unchanged') {
    state.touched.push(after.id);
    await recordEvent(trx, ctx.clock, ctx.caller.actor, {
      action: 'user.import.update',
      target: { type: 'user', id: after.id },
      details: { username: after.username, changes, credentialReplaced: hashChanged, membershipsAdded: added },
    });
  }
  return { outcome, userId: after.id };
}

function searchTextOf(row: UsersTable): string {
  return buildSearchText([row.username, row.display_name, row.email, row.department]);
}

/** The columns a row sets: only those present in the file (absent columns leave the user alone). */
function fieldsOf(row: ImportRow, before: UsersTable): Partial<UsersTable> {
  const { status, passwordHash, attributes, ...fields } = row;
  const f: Partial<UsersTable> = keepVerifiedFlags(before, userColumns(fields));
  // Same content in another key order is no change.
  if (attributes !== undefined && sortedJson(JSON.parse(before.attributes)) !== sortedJson(attributes))
    f.attributes = JSON.stringify(attributes);
  if (status !== undefined) f.status = status;
  if (passwordHash) f.password_hash = passwordHash;
  return f;
}

function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

function newRowFor(ctx: RowContext, row: ImportRow, now: string): UserRow {
  return newUserRow(newId(ctx.clock.now()), now, row.username, {});
}

function assertGroupName(name: string): void {
  if ([...name].length > 100) throw new RowRefused(`groups: "${name.slice(0, 20)}…" is longer than 100 characters`);
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
  assertGroupName(name);
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
  ctx.names.groupsById.set(id, { name, parentId: extra.parentId ?? null, roleNames: [], roleIds: [] });
  return id;
}
