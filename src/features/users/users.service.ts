/**
 * The user directory's rules. HTTP, the CLI, SCIM and import all call these functions, so every door
 * validates, scopes and audits the same way. Each change is one transaction with its audit event.
 */

import { type Clock, iso } from '../../clock.ts';
import { hashPassword } from '../../crypto/passwords.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db, Dialect, UserRow, UsersTable } from '../../db/database.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import type { ControllingPermission } from '../access/outrank.ts';
import type { Permission } from '../access/permissions.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import { keepVerifiedFlags, newUserRow, userColumns } from '../directory/user-row.ts';
import type { Changeable, UserWrites } from '../directory/user-writes.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import { groupsGrantingRole } from '../roles/roles.store.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { fewUserIds } from './users.candidates.store.ts';
import { toUserDto } from './users.dto.ts';
import type { CreateUserInput, ListUsersQuery, UpdateUserInput, UserDto } from './users.schema.ts';
import * as store from './users.store.ts';
import { checkUsername } from './users.validation.ts';

const sortColumns = {
  createdAt: 'created_at',
  username: 'username_key',
  displayName: 'display_name',
  email: 'email_key',
  lastLoginAt: 'last_login_at',
  updatedAt: 'updated_at',
} as const;

/** Fields whose change is recorded in the audit diff (never the password hash). */
const auditedColumns = [
  'username',
  'display_name',
  'email',
  'phone',
  'department',
  'description',
  'comments',
  'attributes',
  'path',
  'type',
  'status',
  'must_change_password',
] as const;

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly writes: UserWrites,
    private readonly accessWrites: AccessWrites,
  ) {}

  /** Loads a user the caller may act on with `permission`; outside its scope a user does not exist (404). */
  async getRowFor(caller: Caller, id: string, permission: ControllingPermission, db?: Db): Promise<Changeable>;
  async getRowFor(caller: Caller, id: string, permission: Permission, db?: Db): Promise<UserRow>;
  async getRowFor(caller: Caller, id: string, permission: Permission, db: Db = this.db): Promise<UserRow> {
    return this.writes.loadFor(db, caller, id, permission);
  }

  async get(caller: Caller, id: string): Promise<UserDto> {
    const row = await this.getRowFor(caller, id, 'users:read');
    return this.toDto(row);
  }

  async toDto(row: UserRow, db: Db = this.db): Promise<UserDto> {
    return toUserDto(row, await store.loadUserRelations(db, [row.id]));
  }

  /**
   * The folders (`path`) of the users the caller may read: each with its own users and, with its sub-folders,
   * the total; a parent folder holding no user itself is listed too, so the tree is whole.
   */
  async folders(caller: Caller): Promise<{ items: { path: string; users: number; total: number }[] }> {
    const scope = scopeOf(caller.access, 'users:read');
    const counts = await store.folderCounts(this.db, this.dialect, {
      organizationScope: scope === 'all' ? undefined : scope,
    });
    const totals = new Map<string, { users: number; total: number }>();
    for (const [path, n] of counts) {
      const parts = path.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        const entry = totals.get(folder) ?? { users: 0, total: 0 };
        entry.total += n;
        if (i === parts.length) entry.users += n;
        totals.set(folder, entry);
      }
    }
    const items = [...totals].map(([path, c]) => ({ path, ...c })).sort((a, b) => a.path.localeCompare(b.path));
    return { items };
  }

  async list(caller: Caller, query: ListUsersQuery): Promise<Page<UserDto>> {
    const scope = scopeOf(caller.access, 'users:read');
    const filter: store.UserFilter = { ...query, organizationScope: scope === 'all' ? undefined : scope };
    // A role is held through a group's parents too: resolve those groups once, before the list query.
    if (query.role) filter.roleGroupIds = await groupsGrantingRole(this.db, query.role);
    // The group named by id or by name, resolved once, so the list and its count read group_members only.
    if (query.group) filter.groupIds = await store.groupIdsNamed(this.db, query.group);
    // The users of each filter that few pass, read once for the list and its count. Set only when there are some:
    // a filter key present at all turns off the count's index-only paths (countUsers).
    const few = await fewUserIds(this.db, this.dialect, filter);
    if (few.length > 0) filter.fewIds = few;
    const desc = query.sort.startsWith('-');
    const sort = { column: sortColumns[query.sort.replace(/^-/, '') as keyof typeof sortColumns], desc };
    const cursor = decodeCursor(query.cursor);
    // The search's trigram candidates, asked once for the page and its count.
    const found = store.searchCandidates(this.db, this.dialect, filter);
    const [{ rows, sortValues }, count] = await Promise.all([
      store.listUserRows(this.db, this.dialect, filter, sort, query.limit + 1, cursor, found),
      store.countUsers(this.db, this.dialect, filter, found),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const relations = await store.loadUserRelations(
      this.db,
      page.map((r) => r.id),
    );
    return {
      items: page.map((r) => toUserDto(r, relations)),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ value: sortValues[page.length - 1] ?? '', id: last.id })
          : null,
      total: count.total,
      totalExact: count.exact,
    };
  }

  /**
   * Creates a user. `extend` runs inside the same transaction (grant roles, join groups, link an invitation),
   * so the user and everything that comes with it commit or roll back together.
   */
  async create(
    caller: Caller,
    input: CreateUserInput,
    options: { status?: string; extend?: (trx: Db, userId: string) => Promise<void> } = {},
  ): Promise<UserDto> {
    const scope = scopeOf(caller.access, 'users:write');
    // A delegated administrator creates users only inside one of its organizations.
    if (scope !== 'all' && (!input.organizationId || !scope.includes(input.organizationId))) {
      throw new AppError('ORGANIZATION_SCOPE', {
        detail: 'Give the organizationId of an organization you administer',
        errors: [{ path: 'organizationId', message: 'must be an organization you administer' }],
      });
    }
    const settings = await this.settings.get();
    const groupIds = input.groupIds?.length
      ? input.groupIds
      : settings.requireGroup && settings.defaultGroupId
        ? [settings.defaultGroupId]
        : [];
    checkUsername(input.username, settings);
    if (input.password !== undefined && input.password !== '') {
      assertPasswordAcceptable(input.password, settings, { username: input.username, email: input.email });
    }
    const now = iso(this.clock.now());
    const row = newUserRow(newId(this.clock.now()), now, input.username, {
      ...userColumns(input),
      status: options.status ?? input.status ?? 'active',
      password_hash: input.password ? await hashPassword(input.password) : null,
    });
    const write = async (trx: Db) => {
      await this.writes.create(trx, caller.actor, row, {
        action: 'user.create',
        details: { username: row.username, changes: pickAudited(row) },
      });
      await this.grantAtCreation(trx, caller, row.id, {
        roleIds: input.roleIds,
        groupIds,
        organizationId: input.organizationId,
      });
      await options.extend?.(trx, row.id);
      return this.toDto((await store.findUserById(trx, row.id))!, trx);
    };
    return this.db.transaction().execute(write);
  }

  /** `db` may be the caller's transaction (a SCIM PUT), which the update then joins. */
  async update(caller: Caller, id: string, input: UpdateUserInput, db: Db = this.db): Promise<UserDto> {
    // Read through `db`: inside the caller's transaction the root handle would wait for it on SQLite (a hang
    // whenever the settings cache had just expired).
    const settings = await this.settings.get(db);
    if (input.username !== undefined) checkUsername(input.username, settings);
    const changes = userColumns(input);
    return inTransaction(db, async (trx) => {
      const before = await this.getRowFor(caller, id, 'users:write', trx);
      // A blank or absent password keeps the current one.
      if (input.password !== undefined && input.password !== '') {
        assertPasswordAcceptable(input.password, settings, {
          username: input.username ?? before.username,
          email: input.email ?? before.email,
        });
        changes.password_hash = await hashPassword(input.password);
      }
      // Unchanged email or phone keeps its verified flag.
      keepVerifiedFlags(before, changes);
      const after = { ...before, ...changes };
      await this.writes.change(trx, caller.actor, before, changes, {
        action: 'user.update',
        details: { changes: diffAudited(before, after), passwordChanged: changes.password_hash !== undefined },
      });
      return this.toDto((await store.findUserById(trx, id))!, trx);
    });
  }

  /** The access a new user starts with, inside its creating transaction: the write path's grants. */
  private async grantAtCreation(
    trx: Db,
    caller: Caller,
    userId: string,
    input: { roleIds?: string[] | undefined; groupIds: string[]; organizationId?: string | undefined },
  ): Promise<void> {
    if (input.roleIds?.length) await this.accessWrites.grantRoles(trx, caller, userId, input.roleIds);
    if (input.groupIds.length) await this.accessWrites.addToGroups(trx, caller, userId, input.groupIds);
    if (input.organizationId) await this.accessWrites.addToOrganization(trx, caller, input.organizationId, userId);
  }

  /** See directory/search-refresh.ts: after memberships or their names change. Runs in the caller's transaction. */
  async refreshSearchText(db: Db, userIds: readonly string[]): Promise<void> {
    await this.writes.refreshSearchText(db, userIds);
  }
}

function pickAudited(row: UsersTable): Record<string, unknown> {
  return Object.fromEntries(auditedColumns.map((c) => [c, row[c]]));
}

export function diffAudited(before: UsersTable, after: UsersTable): Record<string, { from: unknown; to: unknown }> {
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  for (const c of auditedColumns) if (before[c] !== after[c]) diff[c] = { from: before[c], to: after[c] };
  return diff;
}
