/** The Group resource and its request bodies. */
import { z } from 'zod';
import { listQuerySchema } from '../../http/pagination.ts';

const ref = z.object({ id: z.string(), name: z.string() });

export const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  parentId: z.string().nullable(),
  /** Names from the root down to this group, joined by "/". */
  path: z.string(),
  memberCount: z.number().int(),
  roles: z.array(ref),
  createdAt: z.string(),
});
export type GroupDto = z.infer<typeof groupSchema>;

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^/]+$/, 'must not contain "/"');

export const createGroupSchema = z.strictObject({
  name,
  description: z.string().max(1000).nullable().optional(),
  parentId: z.string().min(1).max(100).nullable().optional(),
});

export const updateGroupSchema = z.strictObject({
  name: name.optional(),
  description: z.string().max(1000).nullable().optional(),
  parentId: z.string().min(1).max(100).nullable().optional(),
});

export const listGroupsQuerySchema = listQuerySchema.extend({ parentId: z.string().max(100).optional() });

export const memberBodySchema = z.strictObject({ userId: z.string().min(1).max(100) });
export const memberParamsSchema = z.object({ id: z.string().min(1).max(100), userId: z.string().min(1).max(100) });
