/**
 * Resolves a presented API key. A personal key acts as its owner, narrowed to the key's permissions;
 * a system key (no owner) holds exactly its permissions, globally. A disabled or deleted owner stops every key.
 */
import { type Clock, iso } from '../../clock.ts';
import { hashToken, safeEqual } from '../../crypto/tokens.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { type Access, accessOf, restrictAccess } from '../access/access.service.ts';
import { isPermission, type Permission } from '../access/permissions.ts';
import { parseApiKey } from './api-keys.token.ts';

const touchIntervalMs = 30_000;

export type ApiKeyIdentity = { keyId: string; keyName: string; user: UserRow | null; access: Access };

export async function resolveApiKey(db: Db, clock: Clock, presented: string): Promise<ApiKeyIdentity | undefined> {
  const parsed = parseApiKey(presented);
  if (!parsed) return undefined;
  const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', parsed.prefix).executeTakeFirst();
  // Constant-time comparison of hashes (authentik CVE-2024-52307).
  if (!row || !safeEqual(row.secret_hash, hashToken(parsed.secret))) return undefined;
  const now = clock.now();
  if (row.expires_at && row.expires_at <= iso(now)) return undefined;
  const scopes = (JSON.parse(row.permissions) as string[]).filter(isPermission) as Permission[];
  let user: UserRow | null = null;
  let access: Access;
  if (row.owner_id) {
    const owner = await db.selectFrom('users').selectAll().where('id', '=', row.owner_id).executeTakeFirst();
    if (owner?.status !== 'active') return undefined;
    user = owner;
    access = restrictAccess(await accessOf(db, owner.id), scopes);
  } else {
    access = { global: new Set(scopes), byOrganization: new Map(), isAdmin: false };
  }
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > touchIntervalMs) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: iso(now) })
      .where('id', '=', row.id)
      .execute();
  }
  return { keyId: row.id, keyName: row.name, user, access };
}
