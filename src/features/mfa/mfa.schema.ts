/** Request and response shapes of the MFA routes. No response carries a stored secret or a hash. */
import { z } from 'zod';

/** Fresh proof for factor changes (ASVS 7.5.1) and the choice to end the other sessions (ASVS 7.4.3). */
export const proofSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024).optional(),
  mfaCode: z.string().min(1).max(64).optional(),
  endOtherSessions: z.boolean().optional(),
});

export const authenticatorSchema = z.object({
  id: z.string(),
  type: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

export const authenticatorListSchema = z.object({ items: z.array(authenticatorSchema) });

export const overviewSchema = authenticatorListSchema.extend({
  recoveryCodesRemaining: z.number().int(),
  smsEnabled: z.boolean(),
  phoneVerified: z.boolean(),
});

export const totpEnrolmentSchema = z.object({
  id: z.string(),
  secret: z.string(),
  otpauthUrl: z.string(),
  qrSvg: z.string(),
});

export const recoveryCodesSchema = z.object({
  recoveryCodes: z.array(z.string()),
  sessionsEnded: z.number().int(),
});

export const codeSentSchema = z.object({ sentTo: z.string(), expiresAt: z.string() });

/** The same answer as a password sign-in's, device token included. */
export { loginResponseSchema as sessionAnswerSchema } from '../auth/auth.schema.ts';

export const mfaMethodSchema = z.enum(['totp', 'sms', 'recovery']);
export const mfaTokenSchema = z.string().min(1).max(200);
export const codeSchema = z.string().trim().min(1).max(64);
