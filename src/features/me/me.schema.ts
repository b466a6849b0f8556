/** What GET and PATCH /api/me answer: the user as an admin sees it, plus its effective permissions. */
import { z } from 'zod';
import { permissions } from '../access/permissions.ts';
import { userSchema } from '../users/users.schema.ts';

export const meSchema = userSchema.extend({ permissions: z.array(z.enum(permissions)) });
export type MeDto = z.infer<typeof meSchema>;
