/** Self-service profile and password. Identity comes from the credential only, never from a body field. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser } from '../../http/auth-context.ts';
import type { Services } from '../../services.ts';
import { meSchema } from './me.schema.ts';

export const meRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['me'];

  app.get(
    '/api/me',
    {
      schema: { tags, summary: 'The signed-in user, with its effective permissions', response: { 200: meSchema } },
      config: { access: 'signed-in', allowDuringPasswordChange: true },
    },
    (request, reply) => {
      const user = requireUser(request.auth);
      const { access } = request.auth!;
      // Already checked against meSchema when it was built (me.service.ts): sent as it is, not serialized again
      // (hence the cast: the type provider expects the object the schema describes). From memory without a
      // promise when it can be: this is the route every client polls.
      const send = (json: string) => {
        reply.type('application/json; charset=utf-8').send(json as never);
      };
      const cached = services.me.profileJsonFromMemory(user, access);
      if (cached === undefined) return services.me.profileJson(user, access).then(send);
      send(cached);
      return undefined;
    },
  );

  app.patch(
    '/api/me',
    {
      schema: {
        tags,
        summary: 'Edit the own profile',
        body: z.strictObject({ displayName: z.string().max(200).nullable().optional() }),
        response: { 200: meSchema },
      },
      config: { access: 'signed-in' },
    },
    async (request) => {
      const updated = await services.me.updateProfile(request.auth!.actor, requireUser(request.auth), request.body);
      return services.me.profile(updated, request.auth!.access);
    },
  );

  app.post(
    '/api/me/password',
    {
      schema: {
        tags,
        summary: 'Change the own password; needs the current one and ends the other sessions',
        body: z.strictObject({
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
        response: { 200: z.object({ sessionsEnded: z.number().int() }) },
      },
      config: { access: 'signed-in', allowDuringPasswordChange: true },
    },
    (request) =>
      services.me.changePassword(request.auth!.actor, requireUser(request.auth), request.auth!.sessionId, request.body),
  );
};
