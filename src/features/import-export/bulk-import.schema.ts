/**
 * One imported user, from a CSV row or a JSON object. CSV lists hold `;`-separated names (groups, roles,
 * organizations); JSON may use arrays. Empty CSV cells mean "none"; columns absent from the file are left alone.
 */
import { z } from 'zod';
import { attributesSchema, folderPathSchema, usernameSchema } from '../users/users.schema.ts';

const list = z
  .union([z.array(z.string().max(200)), z.string().max(10_000)])
  .transform((v) => (Array.isArray(v) ? v : v.split(';')).map((s) => s.trim()).filter(Boolean));

const text = (max: number) =>
  z
    .string()
    .max(max)
    .nullable()
    .transform((v) => (v === null || v.trim() === '' ? null : v));

const attributes = z.union([
  attributesSchema,
  z
    .string()
    .max(16_384)
    .transform((s, ctx) => {
      if (s.trim() === '') return {};
      try {
        const parsed: unknown = JSON.parse(s);
        const result = attributesSchema.safeParse(parsed);
        if (result.success) return result.data;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }),
]);

export const importRowSchema = z.object({
  username: usernameSchema,
  displayName: text(200).optional(),
  email: z
    .union([z.email().max(254), z.literal('')])
    .nullable()
    .optional()
    .transform((v) => (v ? v : v === undefined ? undefined : null)),
  phone: text(32).optional(),
  department: text(200).optional(),
  description: text(1000).optional(),
  comments: text(5000).optional(),
  attributes: attributes.optional(),
  path: z
    .union([folderPathSchema, z.literal('')])
    .optional()
    .transform((v) => v || undefined),
  type: z
    .enum(['internal', 'external', ''])
    .optional()
    .transform((v) => v || undefined),
  status: z
    .enum(['active', 'disabled', ''])
    .optional()
    .transform((v) => v || undefined),
  groups: list.optional(),
  roles: list.optional(),
  organizations: list.optional(),
  passwordHash: text(1000).optional(),
});
export type ImportRow = z.output<typeof importRowSchema>;

export const importGroupSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).nullable().optional(),
  parent: z.string().max(100).nullable().optional(),
});

export const exportColumns = [
  'username',
  'displayName',
  'email',
  'phone',
  'department',
  'description',
  'comments',
  'attributes',
  'path',
  'type',
  'status',
  'groups',
  'roles',
  'organizations',
] as const;

export const importResultSchema = z.object({
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  refused: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  refusedTotal: z.number().int(),
});
export type ImportResult = z.infer<typeof importResultSchema>;
