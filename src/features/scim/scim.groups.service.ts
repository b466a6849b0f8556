/**
 * SCIM Groups over the groups feature: displayName is the group's name, members are its direct user members.
 * Membership changes go through GroupsService (escalation checks, requireGroup, audit events).
 */
import { type Clock, iso } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { assertThat } from '../../errors.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { lockAdmins } from '../access/last-admin.ts';
import { createGroupSchema } from '../groups/groups.schema.ts';
import type { GroupsService } from '../groups/groups.service.ts';
import { groupAttrs, groupSchemaUrn, groupSchemaUrns, groupSortRefs } from './scim.attributes.ts';
import { invalidValue, ScimError } from './scim.errors.ts';
import { compileFilter, parseFilter } from './scim.filter.ts';
import { type ListQuery, listResponse, paging, sorting } from './scim.list.ts';
import { applyPatch } from './scim.patch.ts';
import { keyOf } from './scim.path.ts';
import * as store from './scim.store.ts';
import { meta } from './scim.users.mapping.ts';

type Json = Record<string, unknown>;
type Member = { value: string; display: string };

type GroupInput = { displayName: string; memberIds: string[] | undefined; externalId: string | null };

function fromScimGroup(body: unknown): GroupInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidValue('The body must be a Group object');
  const r = body as Json;
  const displayName = r[keyOf(r, 'displayName')];
  if (typeof displayName !== 'string' || displayName.trim() === '') throw invalidValue('displayName is required');
  // The same name rules as POST /api/admin/groups.
  const named = createGroupSchema.shape.name.safeParse(displayName);
  if (!named.success) throw invalidValue(`displayName: ${named.error.issues[0]?.message ?? 'is not valid'}`);
  const members = r[keyOf(r, 'members')];
  if (members !== undefined && members !== null && !Array.isArray(members))
    throw invalidValue('members must be an array');
  const memberIds = members?.map((m, i) => {
    const value = m && typeof m === 'object' ? (m as Json)[keyOf(m as Json, 'value')] : undefined;
    if (typeof value !== 'string' || !value) throw invalidValue(`members[${i}].value must be a user id`);
    return value;
  });
  const externalId = r[keyOf(r, 'externalId')];
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') {
    throw invalidValue('externalId must be a string');
  }
  return {
    displayName: named.data,
    memberIds: memberIds ? [...new Set(memberIds)] : undefined,
    externalId: externalId ?? null,
  };
}

export class ScimGroupsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly groups: GroupsService,
    private readonly baseUrl: string,
  ) {}

  private toScim(row: store.GroupListRow, members: Member[]): Json {
    return {
      schemas: [groupSchemaUrn],
      id: row.id,
      ...(row.external_id !== null ? { externalId: row.external_id } : {}),
      displayName: row.name,
      members: members.map((m) => ({ ...m, $ref: `${this.baseUrl}/Users/${m.value}`, type: 'User' })),
      meta: meta('Group', row.created_at, row.updated_at ?? row.created_at, `${this.baseUrl}/Groups/${row.id}`),
    };
  }

  /**
   * A SCIM Group lists members from every organization, so an organization-scoped groups:read (which the API
   * grants for picking groups) is not enough here: the caller must hold it over the whole directory.
   */
  assertGlobal(caller: Caller): void {
    if (scopeOf(caller.access, 'groups:read') !== 'all' || scopeOf(caller.access, 'users:read') !== 'all') {
      throw new ScimError(403, undefined, 'SCIM Groups need groups:read and users:read over the whole directory');
    }
  }

  async get(id: string): Promise<Json> {
    const row = await store.findGroup(this.db, id);
    assertThat(row, 'NOT_FOUND', 'Group not found');
    return this.toScim(row, (await store.membersOf(this.db, [id])).get(id) ?? []);
  }

  async list(q: ListQuery): Promise<Json> {
    const where = q.filter ? compileFilter(parseFilter(q.filter), groupAttrs(), groupSchemaUrns) : store.always;
    const { startIndex, offset, limit } = paging(q);
    const { order, desc } = sorting(q, groupSortRefs, groupSortRefs.displayname!);
    const { rows, total } = await store.listGroups(this.db, { where, order, desc, offset, limit });
    const members = await store.membersOf(
      this.db,
      rows.map((r) => r.id),
    );
    return listResponse(
      rows.map((r) => this.toScim(r, members.get(r.id) ?? [])),
      total,
      startIndex,
    );
  }

  async create(caller: Caller, body: unknown): Promise<Json> {
    this.assertGlobal(caller);
    const input = fromScimGroup(body);
    await this.assertUsers(input.memberIds ?? []);
    const group = await this.groups.create(caller, { name: input.displayName });
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const userId of input.memberIds ?? []) {
          await this.groups.addMembers(trx, caller, userId, [group.id], 'members');
        }
        await store.setExternalId(trx, 'Group', group.id, input.externalId, iso(this.clock.now()));
      });
    } catch (error) {
      // GroupsService creates in its own transaction: undo the empty group so a refused POST leaves nothing.
      await this.groups.delete(caller, group.id);
      throw error;
    }
    return this.get(group.id);
  }

  /** PUT: name, externalId and the full member list; members not listed are removed. */
  async replace(caller: Caller, id: string, body: unknown): Promise<Json> {
    this.assertGlobal(caller);
    const input = fromScimGroup(body);
    const current = await this.get(id);
    // One change, one transaction: a refused member leaves the name, the other members and the externalId as
    // they were.
    await this.db.transaction().execute(async (trx) => {
      // A member removed may lose Admin: the admins lock comes first, as in every such change (last-admin.ts).
      if (input.memberIds) await lockAdmins(trx);
      if (current.displayName !== input.displayName) {
        await this.groups.update(caller, id, { name: input.displayName }, trx);
      }
      if (input.memberIds) await this.setMembers(trx, caller, id, input.memberIds);
      await store.setExternalId(trx, 'Group', id, input.externalId, iso(this.clock.now()));
    });
    return this.get(id);
  }

  async patch(caller: Caller, id: string, body: unknown): Promise<Json> {
    const current = await this.get(id);
    const next = applyPatch(current, body, { schemas: groupSchemaUrns, readOnly: ['id', 'meta'], maxOperations: 1000 });
    const result = fromScimGroup(next);
    return this.replace(caller, id, { ...next, members: (result.memberIds ?? []).map((value) => ({ value })) });
  }

  async delete(caller: Caller, id: string): Promise<void> {
    this.assertGlobal(caller);
    await this.groups.delete(caller, id);
    await store.deleteResource(this.db, 'Group', id);
  }

  private async setMembers(trx: Db, caller: Caller, id: string, wanted: string[]): Promise<void> {
    await this.assertUsers(wanted, trx);
    const current = ((await store.membersOf(trx, [id])).get(id) ?? []).map((m) => m.value);
    for (const userId of wanted.filter((u) => !current.includes(u))) {
      await this.groups.addMembers(trx, caller, userId, [id], 'members');
    }
    for (const userId of current.filter((u) => !wanted.includes(u))) {
      await this.groups.removeMember(caller, id, userId, trx);
    }
  }

  private async assertUsers(ids: string[], db: Db = this.db): Promise<void> {
    const found = await store.existingUserIds(db, ids);
    const missing = ids.find((u) => !found.has(u));
    if (missing) throw invalidValue(`members: ${missing} is not a user`);
  }
}
