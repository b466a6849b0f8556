/** The second step of sign-in: SMS challenge, code entry, and the enrolment-only flow of `mfaRequired`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { signedIn } from '../auth/sign-in-answer.http.ts';
import {
  codeSchema,
  codeSentSchema,
  mfaMethodSchema,
  mfaTokenSchema,
  sessionAnswerSchema,
  totpEnrolmentSchema,
} from './mfa.schema.ts';

export const mfaLoginRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['auth'];
  const { mfaLogin } = services;

  app.post(
    '/api/auth/mfa/challenge',
    {
      schema: {
        tags,
        summary: 'Text the sign-in code for a pending MFA sign-in',
        body: z.strictObject({ mfaToken: mfaTokenSchema, method: z.literal('sms') }),
        response: { 202: codeSentSchema },
      },
      config: { access: 'public' },
    },
    async (request, reply) =>
      reply.status(202).send(await mfaLogin.challenge(request.body.mfaToken, clientOf(request))),
  );

  app.post(
    '/api/auth/mfa',
    {
      schema: {
        tags,
        summary: 'Complete a sign-in with a TOTP, SMS or recovery code',
        body: z.strictObject({ mfaToken: mfaTokenSchema, method: mfaMethodSchema, code: codeSchema }),
        response: { 200: sessionAnswerSchema },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const { mfaToken, method, code } = request.body;
      const result = await mfaLogin.complete(mfaToken, method, code, clientOf(request));
      return signedIn(request, reply, services, result);
    },
  );

  app.post(
    '/api/auth/mfa/enrol/totp',
    {
      schema: {
        tags,
        summary: 'mfaRequired: start the TOTP enrolment with the enrolment-only token',
        body: z.strictObject({ mfaToken: mfaTokenSchema }),
        response: { 200: totpEnrolmentSchema },
      },
      config: { access: 'public' },
    },
    (request) => mfaLogin.enrolStart(request.body.mfaToken, clientOf(request)),
  );

  app.post(
    '/api/auth/mfa/enrol/totp/confirm',
    {
      schema: {
        tags,
        summary: 'mfaRequired: confirm the enrolment; only then is a session opened',
        body: z.strictObject({ mfaToken: mfaTokenSchema, code: codeSchema }),
        response: { 200: sessionAnswerSchema.extend({ recoveryCodes: z.array(z.string()) }) },
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const result = await mfaLogin.enrolConfirm(request.body.mfaToken, request.body.code, clientOf(request));
      return { ...(await signedIn(request, reply, services, result)), recoveryCodes: result.recoveryCodes };
    },
  );
};
