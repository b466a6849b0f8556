/**
 * Groups: nested by parentId (cycles refused), unique names case-insensitively, members, and the roles a group
 * grants to its members and to the members of its sub-groups. Joining a group is being granted its roles, so
 * adding a member needs the caller to hold what the group grants.
 */

import { type Clock, iso } from '../../clock.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { lockRule } from '../../db/locks.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, assertThat, fieldError } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import type { Caller } from '../access/caller.ts';
import { assertCanGrantRoles } from '../access/escalation.ts';
import { assertAnAdminRemains, grantsAdmin, lockAdmins } from '../access/last-admin.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import { knownRoles } from '../directory/directory.rules.ts';
import { recordEvent } from '../events/events.service.ts';
import { findRoleRows, membersOfGroupTrees } from '../roles/roles.store.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { GroupDto } from './groups.schema.ts';
import * as store from './groups.store.ts';

export class GroupsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly access: AccessWrites,
  ) {}

  private async toDtos(db: Db, rows: store.GroupRow[]): Promise<GroupDto[]> {
    const ids = rows.map((r) => r.id);
    const [counts, roles] = await Promise.all([store.memberCounts(db, ids), store.groupRoleRefs(db, ids)]);
    const out: GroupDto[] = [];
    for (const row of rows) {
      const chainIds = await store.ancestorIds(db, row.id);
      const byId = new Map((await store.findGroupRows(db, chainIds)).map((g) => [g.id, g.name]));
      const path = chainIds
        .reverse()
        .map((id) => byId.get(id))
        .join('/');
      out.push({
        id: row.id,
        name: row.name,
        description: row.description,
        parentId: row.parent_id,
        path,
        memberCount: counts.get(row.id) ?? 0,
        roles: roles.get(row.id) ?? [],
        createdAt: row.created_at,
      });
    }
    return out;
  }

  async get(id: string): Promise<GroupDto> {
    const row = await store.findGroupRow(this.db, id);
    assertThat(row, 'NOT_FOUND', 'Group not found');
    return (await this.toDtos(this.db, [row]))[0]!;
  }

  async list(query: {
    q?: string | undefined;
    parentId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<GroupDto>> {
    const cursor = decodeCursor(query.cursor);
    const after = cursor ? { name: String(cursor.value), id: cursor.id } : undefined;
    const rows = await store.listGroupRows(this.db, query, query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await this.toDtos(this.db, page),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: last.name_key, id: last.id }) : null,
      total: await store.countGroups(this.db, query),
      totalExact: true,
    };
  }

  async create(
    caller: Caller,
    input: { name: string; description?: string | null | undefined; parentId?: string | null | undefined },
  ): Promise<GroupDto> {
    const now = this.clock.now();
    const row: store.GroupRow = {
      id: newId(now),
      name: input.name,
      name_key: input.name.normalize('NFKC').toLowerCase(),
      description: input.description ?? null,
      parent_id: input.parentId ?? null,
      created_at: iso(now),
    };
    return this.db.transaction().execute(async (trx) => {
      if (row.parent_id && !(await store.findGroupRow(trx, row.parent_id)))
        throw fieldError('parentId', 'is not a group');
      await store.insertGroupRow(trx, row).catch(nameTaken);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'group.create',
        target: { type: 'group', id: row.id },
        details: { name: row.name, parentId: row.parent_id },
      });
      return (await this.toDtos(trx, [row]))[0]!;
    });
  }

  async update(
    caller: Caller,
    id: string,
    input: { name?: string | undefined; description?: string | null | undefined; parentId?: string | null | undefined },
    db: Db = this.db,
  ): Promise<GroupDto> {
    const moves = input.parentId !== undefined;
    // `db` may be the caller's transaction (a SCIM PUT), which the change then joins.
    return inTransaction(db, async (trx) => {
      // A move is checked against the tree as it is: two moves that together close a loop (A under B, B under A)
      // must not both pass, so every move waits for the one before it. And a move away from a parent that grants
      // Admin takes it from the members: the last-admin lock too, always in this order.
      if (moves) {
        await lockRule(trx, 'group-tree');
        await lockAdmins(trx);
      }
      const before = await store.findGroupRow(trx, id);
      assertThat(before, 'NOT_FOUND', 'Group not found');
      const lost = moves ? await store.rolesThroughGroups(trx, [id]) : [];
      if (input.parentId) {
        if (!(await store.findGroupRow(trx, input.parentId))) throw fieldError('parentId', 'is not a group');
        // The new parent must not be the group itself or one of its descendants.
        if ((await store.ancestorIds(trx, input.parentId)).includes(id)) {
          throw new AppError('GROUP_CYCLE', {
            detail: 'A group cannot be nested under itself or one of its sub-groups',
            errors: [{ path: 'parentId', message: 'would create a cycle' }],
          });
        }
        // Moving under a parent that grants roles grants them to every member: the caller must hold them.
        assertCanGrantRoles(
          caller.access,
          await store.rolesThroughGroups(trx, [input.parentId]),
          'through the new parent the role',
        );
      }
      const changes = {
        ...(input.name !== undefined ? { name: input.name, name_key: input.name.normalize('NFKC').toLowerCase() } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.parentId !== undefined ? { parent_id: input.parentId } : {}),
      };
      await store.updateGroupRow(trx, id, changes).catch(nameTaken);
      if (grantsAdmin(lost)) await assertAnAdminRemains(trx);
      if (input.name !== undefined || input.parentId !== undefined) {
        await this.users.refreshSearchText(trx, await membersOfGroupTrees(trx, [id]));
      }
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'group.update',
        target: { type: 'group', id },
        details: { from: { name: before.name, parentId: before.parent_id }, changes: input },
      });
      return (await this.toDtos(trx, [{ ...before, ...changes }]))[0]!;
    });
  }

  /** Deletes a group; its members stay users and its sub-groups move up to its parent. */
  async delete(caller: Caller, id: string): Promise<void> {
    const { requireGroup, defaultGroupId } = await this.settings.get();
    if (requireGroup && defaultGroupId === id) {
      throw new AppError('GROUP_REQUIRED', {
        detail: 'This group is the default group while every user must belong to a group',
      });
    }
    await this.db.transaction().execute(async (trx) => {
      // Its sub-groups move up (a change of the tree) and its members may lose Admin: both locks, in order.
      await lockRule(trx, 'group-tree');
      await lockAdmins(trx);
      const row = await store.findGroupRow(trx, id);
      assertThat(row, 'NOT_FOUND', 'Group not found');
      const affected = await membersOfGroupTrees(trx, [id]);
      // Its members lose what it (and its parents) granted: taking a role away needs holding it, as granting does.
      const lost = await store.rolesThroughGroups(trx, [id]);
      assertCanGrantRoles(caller.access, lost, 'through the group the role');
      const direct = await store.memberIds(trx, id);
      await store.reparentChildren(trx, id, row.parent_id);
      await store.deleteGroupRow(trx, id);
      if (grantsAdmin(lost)) await assertAnAdminRemains(trx);
      if (requireGroup) await assertEveryoneKeepsAGroup(trx, direct);
      await this.users.refreshSearchText(trx, affected);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'group.delete',
        target: { type: 'group', id },
        details: { name: row.name, members: affected.length },
      });
    });
  }

  /** Sets the roles a group grants; the caller must hold every role it adds or removes. */
  async setRoles(caller: Caller, id: string, roleIds: string[]): Promise<GroupDto> {
    const wanted = [...new Set(roleIds)];
    return this.db.transaction().execute(async (trx) => {
      await lockAdmins(trx);
      const row = await store.findGroupRow(trx, id);
      assertThat(row, 'NOT_FOUND', 'Group not found');
      const rows = await knownRoles(trx, wanted, 'roleIds');
      const current = (await store.groupRoleRefs(trx, [id])).get(id) ?? [];
      const removed = await findRoleRows(
        trx,
        current.map((r) => r.id).filter((rid) => !wanted.includes(rid)),
      );
      const added = rows.filter((r) => !current.some((c) => c.id === r.id));
      assertCanGrantRoles(caller.access, [...added, ...removed], 'the role');
      await store.setGroupRoleRows(trx, id, wanted);
      if (grantsAdmin(removed)) await assertAnAdminRemains(trx);
      await this.users.refreshSearchText(trx, await membersOfGroupTrees(trx, [id]));
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'group.roles.set',
        target: { type: 'group', id },
        details: { added: added.map((r) => r.name), removed: removed.map((r) => r.name) },
      });
      return (await this.toDtos(trx, [row]))[0]!;
    });
  }

  /**
   * Adds a user to groups inside the caller's transaction (SCIM): a user the caller may change (scope, outrank),
   * then the write path's grant.
   */
  async addMembers(trx: Db, caller: Caller, userId: string, groupIds: string[], field = 'groupIds'): Promise<void> {
    await this.users.getRowFor(caller, userId, 'users:write', trx);
    await this.access.addToGroups(trx, caller, userId, groupIds, field);
  }

  async addMember(caller: Caller, groupId: string, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      assertThat(await store.findGroupRow(trx, groupId), 'NOT_FOUND', 'Group not found');
      await this.users.getRowFor(caller, userId, 'users:write', trx);
      await this.access.addToGroups(trx, caller, userId, [groupId], 'userId');
    });
  }

  /** Removes a member; with requireGroup on, a user's last group cannot be taken away (409). */
  async removeMember(caller: Caller, groupId: string, userId: string, db: Db = this.db): Promise<void> {
    const { requireGroup } = await this.settings.get(db);
    await inTransaction(db, async (trx) => {
      // Before anything is read: a concurrent removal of the other last admin waits here (last-admin.ts).
      await lockAdmins(trx);
      const group = await store.findGroupRow(trx, groupId);
      assertThat(group, 'NOT_FOUND', 'Group not found');
      await this.users.getRowFor(caller, userId, 'users:write', trx);
      await this.access.removeFromGroup(trx, caller, group, userId, requireGroup);
    });
  }

  async members(caller: Caller, groupId: string, query: { limit: number; cursor?: string | undefined }) {
    assertThat(await store.findGroupRow(this.db, groupId), 'NOT_FOUND', 'Group not found');
    return this.users.list(caller, { group: groupId, limit: query.limit, cursor: query.cursor, sort: 'username' });
  }
}

/** Whether a group exists (the settings' default group must be one). */
export async function groupExists(db: Db, id: string): Promise<boolean> {
  return Boolean(await store.findGroupRow(db, id));
}

/** With requireGroup on, deleting the only group of some members is refused like removing it from them. */
async function assertEveryoneKeepsAGroup(trx: Db, userIds: string[]): Promise<void> {
  let left = 0;
  for (const userId of userIds) if ((await store.groupIdsOfUser(trx, userId)).length === 0) left += 1;
  if (left > 0) {
    throw new AppError('GROUP_REQUIRED', {
      detail: `Every user must belong to a group: this is the only group of ${left} member(s); move them first`,
    });
  }
}

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error, 'name_key')) {
    throw new AppError('NAME_TAKEN', {
      detail: 'A group with this name exists',
      errors: [{ path: 'name', message: 'is already taken' }],
    });
  }
  throw error;
}
