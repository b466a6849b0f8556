/** The ApiKey resource: the creation body and the answers. The secret appears only in the creating answer. */
import { z } from 'zod';
import { permissions } from '../access/permissions.ts';
import type { ApiKeyRow } from './api-keys.store.ts';

/** Strict: `ownerId` (or anything else) in a body is refused, never read (Better Auth CVE-2025-61928). */
export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  permissions: z
    .array(z.enum(permissions))
    .max(permissions.length)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a permission')
    .optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** `gh_<12 hex>`: identifies the key in lists and logs; the secret part is never shown again. */
  prefix: z.string(),
  ownerId: z.string().nullable(),
  permissions: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
});

export const createdApiKeySchema = apiKeySchema.extend({ secret: z.string() });

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) });

export type ApiKeyDto = z.infer<typeof apiKeySchema>;

export function toApiKeyDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: `gh_${row.prefix}`,
    ownerId: row.owner_id,
    permissions: JSON.parse(row.permissions) as string[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}
