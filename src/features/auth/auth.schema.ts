/** What a completed sign-in answers, for every sign-in route (password, or password then second factor). */
import { z } from 'zod';
import { userSchema } from '../users/users.schema.ts';

export const deviceTokenSchema = z
  .string()
  .max(400)
  .describe(
    'Device token of the brute-force defence: send it back as `deviceToken` at the next sign-in of this account so ' +
      'that throttles and locks caused by others do not stop it (browsers get it as the gatehouse_device cookie)',
  );

export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: userSchema,
  deviceToken: deviceTokenSchema,
});
