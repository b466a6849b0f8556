/**
 * Personal and system API keys. A personal key acts as its owner, narrowed to a subset of what the creating
 * credential holds; a system key (no owner) holds exactly its permissions, globally. Nobody grants a key a
 * permission it does not hold itself (authentik CVE-2024-37905); the owner is always the caller, never a body
 * field (Better Auth CVE-2025-61928). Keys are stored as a SHA-256 hash of their secret, shown once.
 */
import { type Clock, iso } from '../../clock.ts';
import { newId } from '../../crypto/tokens.ts';
import type { Db } from '../../db/database.ts';
import { AppError, fieldError } from '../../errors.ts';
import { allHeld, holdsAnywhere, scopeOf } from '../access/access.service.ts';
import type { Caller } from '../access/caller.ts';
import type { Permission } from '../access/permissions.ts';
import { recordEvent } from '../events/events.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { type ApiKeyDto, type CreateApiKeyInput, toApiKeyDto } from './api-keys.schema.ts';
import { type ApiKeyRow, deleteApiKey, findApiKey, insertApiKey, listApiKeys } from './api-keys.store.ts';
import { generateApiKey } from './api-keys.token.ts';

export type CreatedApiKey = ApiKeyDto & { secret: string };

export class ApiKeysService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly users: UsersService,
  ) {}

  async listOwn(caller: Caller): Promise<ApiKeyDto[]> {
    return (await listApiKeys(this.db, ownerOf(caller))).map(toApiKeyDto);
  }

  /** Without `permissions` the key gets everything the creating credential holds now (a snapshot). */
  async createOwn(caller: Caller, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const wanted = input.permissions ?? allHeld(caller.access);
    const missing = wanted.filter((p) => !holdsAnywhere(caller.access, p));
    if (missing.length > 0) throw escalation(missing);
    return this.create(caller, ownerOf(caller), wanted, input);
  }

  async revokeOwn(caller: Caller, id: string): Promise<void> {
    const row = await findApiKey(this.db, id);
    if (!row || row.owner_id !== ownerOf(caller)) throw keyNotFound();
    await this.remove(caller, row);
  }

  /** System keys, or with `ownerId` one user's personal keys (in the caller's organizations). */
  async list(caller: Caller, ownerId: string | undefined): Promise<ApiKeyDto[]> {
    if (ownerId) await this.users.getRowFor(caller, ownerId, 'api-keys:manage');
    else assertGlobalManager(caller);
    return (await listApiKeys(this.db, ownerId ?? null)).map(toApiKeyDto);
  }

  /** A system key acts everywhere, so its creator must hold each permission globally, not in one organization. */
  async createSystem(caller: Caller, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    assertGlobalManager(caller);
    const wanted = input.permissions ?? [];
    if (wanted.length === 0) throw fieldError('permissions', 'a system key needs explicit permissions');
    const missing = wanted.filter((p) => !caller.access.global.has(p));
    if (missing.length > 0) throw escalation(missing);
    return this.create(caller, null, wanted, input);
  }

  /** Revokes any key in the caller's scope: a system key needs global scope, a personal one its owner's. */
  async revoke(caller: Caller, id: string): Promise<void> {
    const row = await findApiKey(this.db, id);
    if (!row) throw keyNotFound();
    if (row.owner_id === null) {
      if (scopeOf(caller.access, 'api-keys:manage') !== 'all') throw keyNotFound();
    } else {
      await this.users.getRowFor(caller, row.owner_id, 'api-keys:manage').catch((error: unknown) => {
        throw error instanceof AppError && error.code === 'USER_NOT_FOUND' ? keyNotFound() : error;
      });
    }
    await this.remove(caller, row);
  }

  private async create(
    caller: Caller,
    ownerId: string | null,
    permissions: readonly Permission[],
    input: CreateApiKeyInput,
  ): Promise<CreatedApiKey> {
    const now = this.clock.now();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) throw fieldError('expiresAt', 'must be in the future');
    const { key, prefix, secretHash } = generateApiKey();
    const row: ApiKeyRow = {
      id: newId(now),
      name: input.name,
      prefix,
      secret_hash: secretHash,
      owner_id: ownerId,
      permissions: JSON.stringify([...permissions]),
      created_at: iso(now),
      last_used_at: null,
      expires_at: expiresAt ? iso(expiresAt) : null,
    };
    await this.db.transaction().execute(async (trx) => {
      await insertApiKey(trx, row);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'api-key.create',
        target: { type: 'api-key', id: row.id },
        details: { name: row.name, prefix: row.prefix, ownerId, permissions, expiresAt: row.expires_at },
      });
    });
    return { ...toApiKeyDto(row), secret: key };
  }

  private async remove(caller: Caller, row: ApiKeyRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await deleteApiKey(trx, row.id);
      await recordEvent(trx, this.clock, caller.actor, {
        action: 'api-key.revoke',
        target: { type: 'api-key', id: row.id },
        details: { name: row.name, prefix: row.prefix, ownerId: row.owner_id },
      });
    });
  }
}

/** The user a personal key belongs to: the credential's user, never a field of the request. */
function ownerOf(caller: Caller): string {
  if (!caller.user) throw new AppError('FORBIDDEN', { detail: 'A system key has no personal keys' });
  return caller.user.id;
}

function assertGlobalManager(caller: Caller): void {
  if (scopeOf(caller.access, 'api-keys:manage') !== 'all') {
    throw new AppError('ORGANIZATION_SCOPE', { detail: 'System keys need api-keys:manage over the whole directory' });
  }
}

function escalation(missing: readonly Permission[]): AppError {
  return new AppError('ESCALATION_DENIED', {
    detail: `A key cannot hold permissions its creator does not hold: ${missing.join(', ')}`,
    errors: missing.map((p) => ({ path: 'permissions', message: `${p} is not held by the caller` })),
  });
}

function keyNotFound(): AppError {
  return new AppError('NOT_FOUND', { detail: 'API key not found' });
}
