/** Forgot password, reset with a token, and the admin's recovery link. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymousActor } from '../../http/auth-context.ts';
import { callerOf, clientOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';

/** One fixed answer for every login, known or not (ASVS 6.3.8). */
const forgotAnswer = {
  message: 'If an account with a verified way to reach it exists, a recovery link is on its way.',
};

export const recoveryRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { recovery } = services;
  const tags = ['recovery'];

  app.post(
    '/api/auth/password/forgot',
    {
      schema: {
        tags,
        summary: 'Mail a recovery link when the account exists; the answer is the same either way',
        body: z.strictObject({ login: z.string().min(1).max(254) }),
        response: { 202: z.object({ message: z.string() }) },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const { ip, userAgent } = clientOf(request);
      await recovery.forgot(request.body.login, anonymousActor(ip, userAgent));
      return reply.status(202).send(forgotAnswer);
    },
  );

  app.post(
    '/api/auth/password/reset',
    {
      schema: {
        tags,
        summary: 'Set a new password with a recovery token; ends every session of the user',
        body: z.strictObject({ token: z.string().min(1).max(200), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ sessionsEnded: z.number().int() }) },
      },
      config: { access: 'public' },
    },
    (request) => {
      const { ip, userAgent } = clientOf(request);
      return recovery.reset(request.body.token, request.body.password, anonymousActor(ip, userAgent));
    },
  );

  app.post(
    '/api/admin/users/:id/recovery-link',
    {
      schema: {
        tags,
        summary: 'A recovery link to copy, or (send: true) also mailed to the user',
        params: z.object({ id: z.string().max(100) }),
        body: z.strictObject({ send: z.boolean().default(false) }),
        response: { 200: z.object({ url: z.string(), expiresAt: z.string() }) },
      },
      config: { access: 'users:write' },
    },
    (request) => recovery.adminLink(callerOf(request), request.params.id, request.body.send),
  );
};
