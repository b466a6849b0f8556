/** The Session resource as answered by the API. */
import { z } from 'zod';
import type { SessionRow } from '../../db/database.ts';

export const sessionSchema = z.object({
  id: z.string(),
  userId: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});

export type SessionDto = z.infer<typeof sessionSchema>;

export function toSessionDto(row: SessionRow, currentId: string | null): SessionDto {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    current: row.id === currentId,
  };
}

/** The admin monitor adds the user's name, so a list of everyone's sessions reads without a second lookup. */
export const adminSessionSchema = sessionSchema.extend({ username: z.string() });

export type AdminSessionDto = z.infer<typeof adminSessionSchema>;

/** An id from a path or query: opaque text, but never a NUL byte (PostgreSQL refuses it in text: a 500). */
export const opaqueIdSchema = z
  .string()
  .min(1)
  .max(100)
  .refine((s) => !s.includes('\u0000'), 'must not contain a NUL character');
