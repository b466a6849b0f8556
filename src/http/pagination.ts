/**
 * Cursor pagination shared by every list: `{items, nextCursor, total, totalExact}`.
 * A cursor is the last row's sort value and id, opaque to clients (base64url JSON).
 */
import { z } from 'zod';
import { fieldError } from '../errors.ts';

/** Counting stops here; past it `total` is a lower bound and `totalExact` is false. */
export const exactCountLimit = 10_000;

export const listQuerySchema = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export type Cursor = { value: string | number | null; id: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
      const value: unknown = parsed[0];
      if (value === null || typeof value === 'string' || typeof value === 'number') return { value, id: parsed[1] };
    }
  } catch {
    // fall through to the 400 below
  }
  throw fieldError('cursor', 'is not a cursor this server issued');
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
    totalExact: z.boolean(),
  });
}

export type Page<T> = { items: T[]; nextCursor: string | null; total: number; totalExact: boolean };
