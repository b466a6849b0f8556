/** The User resource: request bodies, list query and the response, one Zod schema each (validation, types, OpenAPI). */
import { z } from 'zod';
import { jsonValue } from '../../http/json-value.ts';
import { listQuerySchema } from '../../http/pagination.ts';

export const userStatuses = ['active', 'disabled', 'invited'] as const;
export const userTypes = ['internal', 'external'] as const;

/** Letters, digits, space, `.`, `_`, `-`, `@`; no leading or trailing space. Lengths also come from settings. */
export const usernameSchema = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N} ._@-]+$/u, 'may contain only letters, digits, space and . _ - @')
  .refine((s) => s.trim() === s, 'must not start or end with a space');

export const folderPathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[\p{L}\p{N}_-][\p{L}\p{N} ._-]*(\/[\p{L}\p{N}_-][\p{L}\p{N} ._-]*)*$/u,
    'must be a folder path like users/staff',
  );

/** A JSON object of custom attributes, at most 64 keys and 16 KiB serialised. */
export const attributesSchema = z
  .record(z.string().min(1).max(100), jsonValue)
  .refine((o) => Object.keys(o).length <= 64, 'may hold at most 64 attributes')
  .refine((o) => JSON.stringify(o).length <= 16_384, 'must be at most 16 KiB');

const text = (max: number) => z.string().max(max).nullable();

export const editableUserFields = {
  displayName: text(200).optional(),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().max(32).nullable().optional(),
  department: text(200).optional(),
  description: text(1000).optional(),
  comments: text(5000).optional(),
  attributes: attributesSchema.optional(),
  path: folderPathSchema.optional(),
  type: z.enum(userTypes).optional(),
};

export const createUserSchema = z.strictObject({
  username: usernameSchema,
  password: z.string().max(1024).optional(),
  mustChangePassword: z.boolean().optional(),
  status: z.enum(['active', 'disabled']).optional(),
  /** Access the new user starts with, granted in the creating transaction (each checked against escalation). */
  roleIds: z.array(z.string().min(1).max(100)).max(50).optional(),
  groupIds: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** Required for a delegated (organization) administrator: the user is created inside that organization. */
  organizationId: z.string().min(1).max(100).optional(),
  ...editableUserFields,
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

/** PATCH: every field optional; a blank or absent password keeps the current one. Status and verified flags are not here. */
export const updateUserSchema = z.strictObject({
  username: usernameSchema.optional(),
  password: z.string().max(1024).optional(),
  mustChangePassword: z.boolean().optional(),
  ...editableUserFields,
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const userSortFields = ['createdAt', 'username', 'displayName', 'email', 'lastLoginAt', 'updatedAt'] as const;

export const listUsersQuerySchema = listQuerySchema.extend({
  status: z.enum(userStatuses).optional(),
  type: z.enum(userTypes).optional(),
  path: folderPathSchema.optional(),
  group: z.string().max(100).optional(),
  role: z.string().max(100).optional(),
  organization: z.string().max(100).optional(),
  sort: z
    .string()
    .regex(
      new RegExp(`^-?(${userSortFields.join('|')})$`),
      `must be one of ${userSortFields.join(', ')}, optionally prefixed with -`,
    )
    .default('-createdAt'),
});
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

const ref = z.object({ id: z.string(), name: z.string() });

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  emailVerified: z.boolean(),
  phone: z.string().nullable(),
  phoneVerified: z.boolean(),
  department: z.string().nullable(),
  description: z.string().nullable(),
  comments: z.string().nullable(),
  attributes: z.record(z.string(), jsonValue),
  path: z.string(),
  type: z.enum(userTypes),
  status: z.enum(userStatuses),
  mustChangePassword: z.boolean(),
  mfaEnabled: z.boolean(),
  roles: z.array(ref),
  groups: z.array(ref),
  organizations: z.array(ref),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string().nullable(),
  stats: z.object({ sessions: z.number().int(), apiKeys: z.number().int(), groups: z.number().int() }),
});
export type UserDto = z.infer<typeof userSchema>;

export const idParamsSchema = z.object({ id: z.string().min(1).max(100) });

export const bulkActionSchema = z.strictObject({
  action: z.enum(['delete', 'disable', 'enable']),
  ids: z.array(z.string().min(1).max(100)).min(1).max(1000),
});

export const bulkResultSchema = z.object({
  results: z.array(
    z.object({ id: z.string(), ok: z.boolean(), status: z.number().int(), code: z.string().optional() }),
  ),
});

export const adminPasswordResetSchema = z.strictObject({
  password: z.string().max(1024).optional(),
  generate: z.boolean().optional(),
  mustChange: z.boolean().optional(),
  revokeSessions: z.boolean().optional(),
});

export const foldersSchema = z.object({
  items: z.array(z.object({ path: z.string(), users: z.number().int(), total: z.number().int() })),
});
