/** Roles: the built-ins (Admin: everything; User: nothing administrative) are fixed; custom roles hold any subset. */

import { type Clock, iso } from '../../clock.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { AppError, assertThat } from '../../errors.ts';
import type { Caller } from '../access/caller.ts';
import { assertCanGrantPermissions, assertCanGrantRoles } from '../access/escalation.ts';
import { lockAdmins } from '../access/last-admin.ts';
import { permissions as catalogue, type Permission } from '../access/permissions.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import { recordEvent } from '../events/events.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { RoleDto } from './roles.schema.ts';
import * as store from './roles.store.ts';

type RoleRow = NonNullable<Awaited<ReturnType<typeof store.findRoleRow>>>;

export function toRoleDto(row: RoleRow): RoleDto {
  const raw = JSON.parse(row.permissions) as string[];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: raw.includes('*') ? [...catalogue] : (raw as Permission[]),
    builtIn: row.built_in === 1,
  };
}

export class RolesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly access: AccessWrites,
  ) {}

  async list(): Promise<RoleDto[]> {
    return (await store.listRoleRows(this.db)).map(toRoleDto);
  }

  async get(id: string): Promise<RoleDto> {
    const row = await store.findRoleRow(this.db, id);
    assertThat(row, 'NOT_FOUND', 'Role not found');
    return toRoleDto(row);
  }

  async create(
    caller: Caller,
    input: { name: string; description?: string | null | undefined; permissions: Permission[] },
  ): Promise<RoleDto> {
    assertCanGrantPermissions(caller.access, input.permissions, 'a role with');
    const now = this.clock.now();
    const row = {
      id: newId(now),
      name: input.name,
      name_key: input.name.normalize('NFKC').toLowerCase(),
      description: input.description ?? null,
      permissions: JSON.stringify([...new Set(input.permissions)]),
      built_in: 0,
      created_at: iso(now),
    };
    await this.db.transaction().execute(async (trx) => {
      await store.insertRoleRow(trx, row).catch(nameTaken);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'role.create',
        target: { type: 'role', id: row.id },
        details: { name: row.name, permissions: input.permissions },
      });
    });
    return toRoleDto(row);
  }

  async update(
    caller: Caller,
    id: string,
    input: {
      name?: string | undefined;
      description?: string | null | undefined;
      permissions?: Permission[] | undefined;
    },
  ): Promise<RoleDto> {
    return this.db.transaction().execute(async (trx) => {
      const before = await store.findRoleRow(trx, id);
      assertThat(before, 'NOT_FOUND', 'Role not found');
      if (before.built_in === 1 && (input.name !== undefined || input.permissions !== undefined)) {
        throw new AppError('ROLE_BUILT_IN', {
          detail: 'Built-in roles cannot be renamed or have their permissions changed',
        });
      }
      // Changing a role's permissions changes what everyone holding it may do: the caller must hold both sides.
      if (input.permissions) {
        assertCanGrantRoles(caller.access, [before], 'the role');
        assertCanGrantPermissions(caller.access, input.permissions, 'a role with');
      }
      const changes = {
        ...(input.name !== undefined ? { name: input.name, name_key: input.name.normalize('NFKC').toLowerCase() } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.permissions !== undefined ? { permissions: JSON.stringify([...new Set(input.permissions)]) } : {}),
      };
      await store.updateRoleRow(trx, id, changes).catch(nameTaken);
      if (input.name !== undefined) await this.users.refreshSearchText(trx, await store.usersSearchableByRole(trx, id));
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'role.update',
        target: { type: 'role', id },
        details: { from: { name: before.name, permissions: JSON.parse(before.permissions) }, changes: input },
      });
      return toRoleDto({ ...before, ...changes });
    });
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await store.findRoleRow(trx, id);
      assertThat(row, 'NOT_FOUND', 'Role not found');
      if (row.built_in === 1) throw new AppError('ROLE_BUILT_IN', { detail: 'Built-in roles cannot be deleted' });
      assertCanGrantRoles(caller.access, [row], 'the role');
      const holders = await store.usersSearchableByRole(trx, id);
      await store.deleteRoleRow(trx, id);
      await this.users.refreshSearchText(trx, holders);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'role.delete',
        target: { type: 'role', id },
        details: { name: row.name },
      });
    });
  }

  /** Sets the roles a user holds directly. Adding or removing a role needs the caller to hold its permissions. */
  async setUserRoles(caller: Caller, userId: string, roleIds: string[]): Promise<RoleDto[]> {
    return this.db.transaction().execute(async (trx) => {
      // Before anything is read: a concurrent demotion of the other last admin waits here (last-admin.ts).
      await lockAdmins(trx);
      await this.users.getRowFor(caller, userId, 'users:write', trx);
      return (await this.access.setRoles(trx, caller, userId, roleIds)).map(toRoleDto);
    });
  }
}

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error, 'name_key')) {
    throw new AppError('NAME_TAKEN', {
      detail: 'A role with this name exists',
      errors: [{ path: 'name', message: 'is already taken' }],
    });
  }
  throw error;
}
