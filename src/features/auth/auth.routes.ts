/** Sign-in and sign-out. The login answer is identical for an unknown user and a wrong password. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf } from '../../http/caller.ts';
import { clearSessionCookies } from '../../http/cookies.ts';
import type { Services } from '../../services.ts';
import { deviceTokenSchema, loginResponseSchema } from './auth.schema.ts';
import { presentedDeviceTokens, signedIn } from './sign-in-answer.http.ts';

export { loginResponseSchema };

export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(1024),
  deviceToken: deviceTokenSchema.optional(),
});

/** The answer when a second factor (or, under mfaRequired, an enrolment) is due: no session, no cookie. */
export const mfaPendingSchema = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string(),
  methods: z.array(z.string()),
  enrolmentRequired: z.boolean().optional(),
});

export const authRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['auth'];

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with a username (or email) and password',
        body: loginBodySchema,
        response: { 200: z.union([loginResponseSchema, mfaPendingSchema]) },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const { username, password, deviceToken } = request.body;
      const devices = presentedDeviceTokens(request, services, deviceToken);
      const result = await services.auth.login(username, password, clientOf(request), devices);
      if ('mfaRequired' in result) return result;
      return signedIn(request, reply, services, result);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags, summary: 'End the calling session' },
      config: { access: 'signed-in', allowDuringPasswordChange: true },
    },
    async (request, reply) => {
      const auth = request.auth!;
      if (auth.sessionId) await services.auth.logout(auth.actor, auth.sessionId);
      clearSessionCookies(reply, services.cookies);
      return reply.status(204).send();
    },
  );
};
