/** The settings an admin edits at run time, with their safe defaults. */
import { z } from 'zod';

export const settingsSchema = z.object({
  allowRegistration: z.boolean().default(false),
  invitationTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
  recoveryTtlMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  passwordMinLength: z.number().int().min(8).max(128).default(8),
  passwordRequireMix: z.boolean().default(false),
  usernameMinLength: z.number().int().min(1).max(50).default(3),
  usernameMaxLength: z.number().int().min(1).max(50).default(50),
  requireGroup: z.boolean().default(false),
  defaultGroupId: z.string().nullable().default(null),
  mfaRequired: z.enum(['off', 'admins', 'all']).default('off'),
  sessionIdleMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 365)
    .default(60 * 24),
  sessionMaxHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 30),
  lockoutThreshold: z.number().int().min(1).max(99).default(10),
  lockoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24)
    .default(15),
  auditRetentionDays: z.number().int().min(1).max(36500).default(365),
});

export type Settings = z.infer<typeof settingsSchema>;

/**
 * PATCH body: any subset, unknown keys refused. Built from the fields without their defaults: `.partial()` alone
 * keeps each `.default()`, which would silently reset every setting the request does not name.
 */
export const settingsPatchSchema = z.strictObject(
  Object.fromEntries(Object.entries(settingsSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])) as {
    [K in keyof typeof settingsSchema.shape]: z.ZodOptional<ReturnType<(typeof settingsSchema.shape)[K]['unwrap']>>;
  },
);

export const defaultSettings: Settings = settingsSchema.parse({});
