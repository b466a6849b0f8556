/** Own second factors, phone verification, and the admin view of a user's authenticators. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { selfOf } from './mfa.http.ts';
import {
  authenticatorListSchema,
  codeSchema,
  codeSentSchema,
  overviewSchema,
  proofSchema,
  recoveryCodesSchema,
  totpEnrolmentSchema,
} from './mfa.schema.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });

export const mfaRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const tags = ['mfa'];
  const { mfa, phoneVerification: phone, sms } = services;
  sms.useLogger(app.log);

  app.get(
    '/api/me/mfa',
    {
      schema: { tags, summary: 'Own confirmed second factors', response: { 200: overviewSchema } },
      config: { access: 'signed-in' },
    },
    (request) => mfa.overview(selfOf(request).user),
  );

  app.post(
    '/api/me/mfa/totp',
    {
      schema: {
        tags,
        summary: 'Start a TOTP enrolment (needs the current password or a second-factor code)',
        body: proofSchema.nullish(),
        response: { 200: totpEnrolmentSchema },
      },
      config: { access: 'signed-in' },
    },
    (request) => mfa.startTotp(selfOf(request), request.body ?? {}),
  );

  app.post(
    '/api/me/mfa/totp/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm the TOTP enrolment with a code; the first factor answers ten recovery codes, once',
        body: z.strictObject({ code: codeSchema, endOtherSessions: z.boolean().optional() }),
        response: { 200: recoveryCodesSchema.extend({ id: z.string() }) },
      },
      config: { access: 'signed-in' },
    },
    (request) => mfa.confirmTotp(selfOf(request), request.body.code, request.body.endOtherSessions),
  );

  app.delete(
    '/api/me/mfa/:id',
    {
      schema: {
        tags,
        summary: 'Remove an own second factor (needs a fresh proof)',
        params: idParams,
        body: proofSchema.nullish(),
        response: { 200: z.object({ mfaEnabled: z.boolean(), sessionsEnded: z.number().int() }) },
      },
      config: { access: 'signed-in' },
    },
    (request) => mfa.removeOwn(selfOf(request), request.params.id, request.body ?? {}, request.body?.endOtherSessions),
  );

  app.post(
    '/api/me/mfa/recovery-codes',
    {
      schema: {
        tags,
        summary: 'Replace the recovery codes with ten new ones (needs a fresh proof)',
        body: proofSchema.nullish(),
        response: { 200: recoveryCodesSchema },
      },
      config: { access: 'signed-in' },
    },
    (request) => mfa.regenerateRecoveryCodes(selfOf(request), request.body ?? {}, request.body?.endOtherSessions),
  );

  app.post(
    '/api/me/mfa/sms',
    {
      schema: {
        tags,
        summary: 'Turn SMS codes as a second factor on or off (verified phone only; needs a fresh proof)',
        body: proofSchema.extend({ enabled: z.boolean() }),
        response: { 200: recoveryCodesSchema.extend({ enabled: z.boolean() }) },
      },
      config: { access: 'signed-in' },
    },
    (request) => mfa.setSms(selfOf(request), request.body.enabled, request.body, request.body.endOtherSessions),
  );

  app.post(
    '/api/me/phone/verify',
    {
      schema: { tags, summary: 'Text a 6-digit code to the own phone', response: { 202: codeSentSchema } },
      config: { access: 'signed-in' },
    },
    async (request, reply) => {
      const self = selfOf(request);
      return reply.status(202).send(await phone.send(self.actor, self.user));
    },
  );

  app.post(
    '/api/me/phone/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm the phone with the texted code: the only way it becomes verified',
        body: z.strictObject({ code: codeSchema }),
        response: { 200: z.object({ phoneVerified: z.literal(true) }) },
      },
      config: { access: 'signed-in' },
    },
    (request) => {
      const self = selfOf(request);
      return phone.confirm(self.actor, self.user, request.body.code);
    },
  );

  app.get(
    '/api/admin/users/:id/mfa',
    {
      schema: {
        tags,
        summary: "A user's second factors",
        params: idParams,
        response: { 200: authenticatorListSchema },
      },
      config: { access: 'users:read' },
    },
    (request) => mfa.listFor(callerOf(request), request.params.id),
  );

  app.delete(
    '/api/admin/users/:id/mfa/:authenticatorId',
    {
      schema: {
        tags,
        summary: "Remove one of a user's second factors (a lost phone)",
        params: z.object({ id: z.string().min(1).max(100), authenticatorId: z.string().min(1).max(100) }),
      },
      config: { access: 'users:write' },
    },
    async (request, reply) => {
      await mfa.removeFor(callerOf(request), request.params.id, request.params.authenticatorId);
      return reply.status(204).send();
    },
  );
};
