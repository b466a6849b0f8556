/**
 * SCIM Users over the users feature's services: every write goes through UsersService / UserLifecycleService, so
 * validation, uniqueness and the audit trail (actor: the API key) are the API's own. `active: false` is
 * lifecycle.disable, which ends the user's sessions.
 */
import type { z } from 'zod';
import { type Clock, iso } from '../../clock.ts';
import type { Db, Dialect } from '../../db/database.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import { lockAdmins } from '../access/last-admin.ts';
import type { Permission } from '../access/permissions.ts';
import type { UserLifecycleService } from '../users/users.lifecycle.ts';
import { createUserSchema, updateUserSchema } from '../users/users.schema.ts';
import type { UsersService } from '../users/users.service.ts';
import { userAttrs, userSchemaUrns, userSortRefs } from './scim.attributes.ts';
import { invalidValue, ScimError } from './scim.errors.ts';
import { compileFilter, parseFilter } from './scim.filter.ts';
import { type ListQuery, listResponse, paging, sorting } from './scim.list.ts';
import { applyPatch } from './scim.patch.ts';
import * as store from './scim.store.ts';
import { fromScimUser, mergeAttributes, type ScimUserInput, toScimUser } from './scim.users.mapping.ts';

type Json = Record<string, unknown>;

/** The users schema's first complaint, in SCIM form (the same rules as POST /api/admin/users). */
function validated<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalidValue(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'is not valid'}`);
}

export class ScimUsersService {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly lifecycle: UserLifecycleService,
    private readonly baseUrl: string,
  ) {}

  /** SCIM clients provision the whole directory: an organization-scoped caller is refused, not silently narrowed. */
  private assertGlobal(caller: Caller, permission: Permission): void {
    if (scopeOf(caller.access, permission) !== 'all') {
      throw new ScimError(403, undefined, `SCIM needs ${permission} over the whole directory`);
    }
  }

  async get(caller: Caller, id: string): Promise<Json> {
    this.assertGlobal(caller, 'users:read');
    const user = await this.users.get(caller, id);
    return toScimUser(user, await store.externalIdOf(this.db, 'User', id), this.baseUrl);
  }

  async list(caller: Caller, q: ListQuery): Promise<Json> {
    this.assertGlobal(caller, 'users:read');
    const where = q.filter
      ? compileFilter(parseFilter(q.filter), userAttrs(this.dialect), userSchemaUrns)
      : store.always;
    const { startIndex, offset, limit } = paging(q);
    const { order, desc } = sorting(q, userSortRefs, userSortRefs['meta.created']!);
    const { rows, total } = await store.listUsers(this.db, { where, order, desc, offset, limit });
    const resources: Json[] = [];
    for (const row of rows) {
      const { external_id, ...user } = row;
      resources.push(toScimUser(await this.users.toDto(user), external_id, this.baseUrl));
    }
    return listResponse(resources, total, startIndex);
  }

  async create(caller: Caller, body: unknown): Promise<Json> {
    this.assertGlobal(caller, 'users:write');
    const input = fromScimUser(body);
    const create = validated(createUserSchema, {
      username: input.username,
      displayName: input.displayName,
      email: input.email,
      phone: input.phone,
      department: input.department,
      attributes: input.scimAttributes,
      ...(input.password ? { password: input.password } : {}),
    });
    const now = iso(this.clock.now());
    const user = await this.users.create(caller, create, {
      status: input.active ? 'active' : 'disabled',
      extend: (trx, userId) => store.setExternalId(trx, 'User', userId, input.externalId, now),
    });
    return toScimUser(user, input.externalId, this.baseUrl);
  }

  /** PUT: the body is the whole resource; attributes it leaves out are cleared (a password left out is kept). */
  async replace(caller: Caller, id: string, body: unknown): Promise<Json> {
    this.assertGlobal(caller, 'users:write');
    const input = fromScimUser(body);
    const before = await this.users.get(caller, id);
    await this.store(caller, id, input, before.attributes as Json, before.status);
    return this.get(caller, id);
  }

  async patch(caller: Caller, id: string, body: unknown): Promise<Json> {
    const current = await this.get(caller, id);
    const next = applyPatch(current, body, {
      schemas: userSchemaUrns,
      readOnly: ['id', 'meta', 'groups'],
      maxOperations: 100,
    });
    return this.replace(caller, id, next);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    this.assertGlobal(caller, 'users:delete');
    await this.lifecycle.delete(caller, id);
    await store.deleteResource(this.db, 'User', id);
  }

  private async store(
    caller: Caller,
    id: string,
    input: ScimUserInput,
    attributes: Json,
    status: string,
  ): Promise<void> {
    const update = validated(updateUserSchema, {
      username: input.username,
      displayName: input.displayName,
      email: input.email,
      phone: input.phone,
      department: input.department,
      attributes: mergeAttributes(attributes, input.scimAttributes),
      ...(input.password ? { password: input.password } : {}),
    });
    // One change, one transaction: the fields, the status and the externalId commit together or not at all.
    const disabling = !input.active && status === 'active';
    await this.db.transaction().execute(async (trx) => {
      // Taken first, as lifecycle.disable would take it after this transaction already wrote the user's row: a
      // concurrent disable holding the lock and waiting for that row would deadlock with it.
      if (disabling) await lockAdmins(trx);
      await this.users.update(caller, id, update, trx);
      if (input.active && status === 'disabled') await this.lifecycle.enable(caller, id, trx);
      if (disabling) await this.lifecycle.disable(caller, id, trx);
      await store.setExternalId(trx, 'User', id, input.externalId, iso(this.clock.now()));
    });
  }
}
