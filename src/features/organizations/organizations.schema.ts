/** The Organization resource, its members and their organization roles. */
import { z } from 'zod';
import { listQuerySchema } from '../../http/pagination.ts';

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  memberCount: z.number().int(),
  createdAt: z.string(),
});
export type OrganizationDto = z.infer<typeof organizationSchema>;

const slug = z
  .string()
  .min(2)
  .max(60)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and dashes');

export const createOrganizationSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: slug.optional(),
});
export const updateOrganizationSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  slug: slug.optional(),
});
export const listOrganizationsQuerySchema = listQuerySchema;

export const addMemberSchema = z.strictObject({
  userId: z.string().min(1).max(100),
  roleIds: z.array(z.string().min(1).max(100)).max(50).optional(),
});

export const organizationMemberSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  roles: z.array(z.object({ id: z.string(), name: z.string() })),
  joinedAt: z.string(),
});
