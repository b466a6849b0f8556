/** The Role resource and its request bodies. */
import { z } from 'zod';
import { permissions } from '../access/permissions.ts';

const permissionList = z.array(z.enum(permissions)).max(permissions.length);

export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.enum(permissions)),
  builtIn: z.boolean(),
});
export type RoleDto = z.infer<typeof roleSchema>;

export const createRoleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).nullable().optional(),
  permissions: permissionList.default([]),
});

export const updateRoleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(1000).nullable().optional(),
  permissions: permissionList.optional(),
});

export const roleIdsSchema = z.strictObject({ roleIds: z.array(z.string().min(1).max(100)).max(100) });
