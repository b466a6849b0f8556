/** Admin view and unlock of a brute-force lock. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { opaqueIdSchema } from '../sessions/sessions.schema.ts';

const idParams = z.object({ id: opaqueIdSchema });
const lockSchema = z.object({
  locked: z.boolean(),
  lockedUntil: z.string().nullable(),
  failures: z.number().int(),
  lockLevel: z.number().int(),
});

export const lockoutRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { lockout } = services;
  const tags = ['users'];
  app.addHook('onClose', () => lockout.close());

  app.get(
    '/api/admin/users/:id/lockout',
    {
      schema: {
        tags,
        summary: 'Whether a user is locked by failed sign-ins',
        params: idParams,
        response: { 200: lockSchema },
      },
      config: { access: 'users:read' },
    },
    (request) => lockout.stateFor(callerOf(request), request.params.id),
  );

  app.post(
    '/api/admin/users/:id/unlock',
    {
      schema: {
        tags,
        summary: 'Lift a brute-force lock and forget the failures',
        params: idParams,
        response: { 200: lockSchema },
      },
      config: { access: 'users:write' },
    },
    (request) => lockout.unlock(callerOf(request), request.params.id),
  );
};
