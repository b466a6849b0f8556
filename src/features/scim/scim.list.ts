/** ListResponse paging (RFC 7644 §3.4.2.4), sortBy and the attributes / excludedAttributes projection. */
import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import { invalidValue } from './scim.errors.ts';

export const listResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const maxCount = 1000;

export const listQuerySchema = z.object({
  // Longer than the parser accepts, so an over-long filter is answered invalidFilter by parseFilter.
  filter: z.string().max(8000).optional(),
  // Bounded so an absurd offset is a 400, not a bigint overflow in PostgreSQL.
  startIndex: z.coerce.number().int().max(2_000_000_000).optional(),
  count: z.coerce.number().int().max(2_000_000_000).optional(),
  sortBy: z.string().max(200).optional(),
  sortOrder: z.string().max(20).optional(),
  attributes: z.string().max(2000).optional(),
  excludedAttributes: z.string().max(2000).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const projectionQuerySchema = listQuerySchema.pick({ attributes: true, excludedAttributes: true });
export type Projection = z.infer<typeof projectionQuerySchema>;

/** startIndex below 1 is read as 1 and a negative count as 0 (RFC 7644 §3.4.2.4); count is capped. */
export function paging(q: ListQuery): { startIndex: number; offset: number; limit: number } {
  const startIndex = Math.max(1, q.startIndex ?? 1);
  const limit = Math.min(maxCount, Math.max(0, q.count ?? 100));
  return { startIndex, offset: startIndex - 1, limit };
}

export function sorting(
  q: ListQuery,
  refs: Record<string, RawBuilder<unknown>>,
  fallback: RawBuilder<unknown>,
): { order: RawBuilder<unknown>; desc: boolean } {
  const desc = q.sortOrder?.toLowerCase() === 'descending';
  if (q.sortOrder && !desc && q.sortOrder.toLowerCase() !== 'ascending') {
    throw invalidValue('sortOrder must be ascending or descending');
  }
  if (!q.sortBy) return { order: fallback, desc };
  const order = refs[q.sortBy.toLowerCase()];
  if (!order) throw invalidValue(`Cannot sort by ${q.sortBy}`);
  return { order, desc };
}

const alwaysReturned = new Set(['schemas', 'id', 'meta']);

function names(list: string | undefined): Set<string> | undefined {
  if (!list) return undefined;
  // "name.givenName" projects the whole top-level attribute; a URN-prefixed core name keeps its last segment.
  return new Set(list.split(',').map((s) => s.trim().toLowerCase().split(':').pop()!.split('.')[0]!));
}

export function project(resource: Record<string, unknown>, p: Projection): Record<string, unknown> {
  const include = names(p.attributes);
  const exclude = names(p.excludedAttributes);
  if (!include && !exclude) return resource;
  return Object.fromEntries(
    Object.entries(resource).filter(([k]) => {
      const key = k.toLowerCase().split(':').pop()!;
      if (alwaysReturned.has(key)) return true;
      if (include) return include.has(key) || (k.startsWith('urn:') && include.has(k.toLowerCase().split(':').pop()!));
      return !exclude?.has(key);
    }),
  );
}

export function listResponse(resources: unknown[], total: number, startIndex: number) {
  return {
    schemas: [listResponseSchema],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
