/**
 * Organizations and delegated administration: a member holding a role in an organization has that role's
 * permissions over the organization's members only. Outside its scope an organization or user answers 404.
 */

import { type Clock, iso } from '../../clock.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { AppError, assertThat } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import type { Permission } from '../access/permissions.ts';
import type { AccessWrites } from '../directory/access-writes.ts';
import { recordEvent } from '../events/events.service.ts';
import type { UsersService } from '../users/users.service.ts';
import type { OrganizationDto } from './organizations.schema.ts';
import * as store from './organizations.store.ts';

type OrgRow = NonNullable<Awaited<ReturnType<typeof store.findOrganizationRow>>>;

function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return base.length >= 2 ? base : `org-${base}`.replace(/-$/, '');
}

function inScope(caller: Caller, permission: Permission, organizationId: string): boolean {
  const scope = scopeOf(caller.access, permission);
  return scope === 'all' || scope.includes(organizationId);
}

export class OrganizationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly users: UsersService,
    private readonly access: AccessWrites,
  ) {}

  private async toDtos(db: Db, rows: OrgRow[]): Promise<OrganizationDto[]> {
    const counts = await store.organizationMemberCounts(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      slug: r.slug,
      memberCount: counts.get(r.id) ?? 0,
      createdAt: r.created_at,
    }));
  }

  private async rowFor(db: Db, caller: Caller, id: string, permission: Permission): Promise<OrgRow> {
    const row = await store.findOrganizationRow(db, id);
    assertThat(row && inScope(caller, permission, id), 'NOT_FOUND', 'Organization not found');
    return row as OrgRow;
  }

  async list(
    caller: Caller,
    query: { q?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<OrganizationDto>> {
    const cursor = decodeCursor(query.cursor);
    const scope = scopeOf(caller.access, 'organizations:read');
    const rows = await store.listOrganizationRows(
      this.db,
      query.q,
      scope,
      query.limit + 1,
      cursor ? { slug: String(cursor.value), id: cursor.id } : undefined,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await this.toDtos(this.db, page),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: last.slug, id: last.id }) : null,
      total: await store.countOrganizationRows(this.db, query.q, scope),
      totalExact: true,
    };
  }

  async get(caller: Caller, id: string): Promise<OrganizationDto> {
    return (await this.toDtos(this.db, [await this.rowFor(this.db, caller, id, 'organizations:read')]))[0]!;
  }

  async create(caller: Caller, input: { name: string; slug?: string | undefined }): Promise<OrganizationDto> {
    if (scopeOf(caller.access, 'organizations:write') !== 'all')
      throw new AppError('ORGANIZATION_SCOPE', { detail: 'Only a global administrator creates organizations' });
    const now = this.clock.now();
    const row: OrgRow = {
      id: newId(now),
      name: input.name,
      slug: input.slug ?? slugify(input.name),
      created_at: iso(now),
    };
    return this.db.transaction().execute(async (trx) => {
      await store.insertOrganizationRow(trx, row).catch(slugTaken);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'organization.create',
        target: { type: 'organization', id: row.id },
        details: { name: row.name, slug: row.slug },
      });
      return (await this.toDtos(trx, [row]))[0]!;
    });
  }

  async update(
    caller: Caller,
    id: string,
    input: { name?: string | undefined; slug?: string | undefined },
  ): Promise<OrganizationDto> {
    return this.db.transaction().execute(async (trx) => {
      const before = await this.rowFor(trx, caller, id, 'organizations:write');
      const changes = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.slug !== undefined ? { slug: input.slug } : {}),
      };
      await store.updateOrganizationRow(trx, id, changes).catch(slugTaken);
      if (input.name !== undefined) await this.users.refreshSearchText(trx, await store.memberUserIds(trx, id));
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'organization.update',
        target: { type: 'organization', id },
        details: { from: { name: before.name, slug: before.slug }, changes: input },
      });
      return (await this.toDtos(trx, [{ ...before, ...changes }]))[0]!;
    });
  }

  async delete(caller: Caller, id: string): Promise<void> {
    if (scopeOf(caller.access, 'organizations:write') !== 'all')
      throw new AppError('ORGANIZATION_SCOPE', { detail: 'Only a global administrator deletes organizations' });
    await this.db.transaction().execute(async (trx) => {
      const row = await this.rowFor(trx, caller, id, 'organizations:write');
      const members = await store.memberUserIds(trx, id);
      await store.deleteOrganizationRow(trx, id);
      await this.users.refreshSearchText(trx, members);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'organization.delete',
        target: { type: 'organization', id },
        details: { name: row.name, members: members.length },
      });
    });
  }

  async members(caller: Caller, id: string) {
    await this.rowFor(this.db, caller, id, 'organizations:read');
    return store.listMembers(this.db, id);
  }

  async addMember(caller: Caller, organizationId: string, userId: string, roleIds: string[] = []): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.rowFor(trx, caller, organizationId, 'organizations:write');
      // A delegated admin may only add people it already administers; otherwise it could take over anyone.
      await this.users.getRowFor(caller, userId, 'users:write', trx);
      await this.access.addToOrganization(trx, caller, organizationId, userId, roleIds);
    });
  }

  async removeMember(caller: Caller, organizationId: string, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.rowFor(trx, caller, organizationId, 'organizations:write');
      await this.access.removeFromOrganization(trx, caller, organizationId, userId);
    });
  }
}

function slugTaken(error: unknown): never {
  if (isUniqueViolation(error, 'slug')) {
    throw new AppError('NAME_TAKEN', {
      detail: 'An organization with this slug exists',
      errors: [{ path: 'slug', message: 'is already taken' }],
    });
  }
  throw error;
}
