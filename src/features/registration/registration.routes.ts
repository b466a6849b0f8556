/** POST /api/auth/register: 403 unless the allowRegistration setting is on; GET says whether it is. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymousActor } from '../../http/auth-context.ts';
import { clientOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { usernameSchema } from '../users/users.schema.ts';

export const registrationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  // What a refused POST would say anyway (a 403 to anyone): the sign-in page offers sign-up only when it is open,
  // as Keycloak's login page shows its Register link only with user registration on.
  app.get(
    '/api/auth/register',
    {
      schema: {
        tags: ['registration'],
        summary: 'Whether self-registration is open (the allowRegistration setting)',
        response: { 200: z.object({ open: z.boolean() }) },
      },
      config: { access: 'public' },
    },
    async () => ({ open: (await services.settings.get()).allowRegistration }),
  );

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['registration'],
        summary: 'Create an account (only while allowRegistration is on); the address is verified by a link',
        body: z.strictObject({
          username: usernameSchema,
          email: z.email().max(254),
          password: z.string().min(1).max(1024),
          displayName: z.string().max(200).optional(),
        }),
        response: { 202: z.object({ message: z.string() }) },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const { ip, userAgent } = clientOf(request);
      return reply.status(202).send(await services.registration.register(request.body, anonymousActor(ip, userAgent)));
    },
  );
};
