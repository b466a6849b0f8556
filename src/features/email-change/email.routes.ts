/** Email verification and change: the link's POST (public) and the signed-in user's requests. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymousActor, requireUser } from '../../http/auth-context.ts';
import { clientOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';

export const emailRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { email } = services;
  const tags = ['email'];

  app.post(
    '/api/auth/email/verify',
    {
      schema: {
        tags,
        summary: 'Confirm an address with the token from a verification or change link',
        body: z.strictObject({ token: z.string().min(1).max(200) }),
        response: { 200: z.object({ email: z.string(), emailVerified: z.literal(true) }) },
      },
      config: { access: 'public' },
    },
    (request) => {
      const { ip, userAgent } = clientOf(request);
      return email.verify(request.body.token, anonymousActor(ip, userAgent));
    },
  );

  app.post(
    '/api/me/email',
    {
      schema: {
        tags,
        summary: 'Change the own address: needs the current password; takes effect once confirmed from the new one',
        body: z.strictObject({ email: z.email().max(254), currentPassword: z.string().min(1).max(1024) }),
        response: { 202: z.object({ pendingEmail: z.string() }) },
      },
      config: { access: 'signed-in' },
    },
    async (request, reply) =>
      reply.status(202).send(await email.requestChange(request.auth!.actor, requireUser(request.auth), request.body)),
  );

  app.post(
    '/api/me/email/verification',
    {
      schema: { tags, summary: 'Send a new verification link for the own address' },
      config: { access: 'signed-in' },
    },
    async (request, reply) => {
      await email.requestVerification(request.auth!.actor, requireUser(request.auth));
      return reply.status(202).send();
    },
  );
};
