/** Admin invitation routes ('invitations:manage') and the invitee's public token routes. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymousActor } from '../../http/auth-context.ts';
import { callerOf, clientOf } from '../../http/caller.ts';
import { listQuerySchema, pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import { usernameSchema, userSchema } from '../users/users.schema.ts';
import { invitationPreviewSchema, invitationSchema } from './invitations.dto.ts';

const idParams = z.object({ id: z.string().max(100) });
const tokenParams = z.object({ token: z.string().min(1).max(200) });

export const invitationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { invitations, invitationAcceptance } = services;
  const tags = ['invitations'];

  app.post(
    '/api/admin/invitations',
    {
      schema: {
        tags,
        summary: 'Invite 1 to 10 addresses with roles, groups and an organization',
        body: z.strictObject({
          emails: z.array(z.email().max(254)).min(1).max(10),
          roleIds: z.array(z.string().max(100)).max(50).optional(),
          groupIds: z.array(z.string().max(100)).max(50).optional(),
          organizationId: z.string().max(100).nullable().optional(),
        }),
        response: { 201: z.object({ items: z.array(invitationSchema) }) },
      },
      config: { access: 'invitations:manage' },
    },
    async (request, reply) =>
      reply.status(201).send({ items: await invitations.invite(callerOf(request), request.body) }),
  );

  app.get(
    '/api/admin/invitations',
    {
      schema: {
        tags,
        summary: 'List invitations, newest first',
        querystring: listQuerySchema
          .omit({ q: true })
          .extend({ status: z.enum(['pending', 'accepted', 'expired', 'revoked']).optional() }),
        response: { 200: pageSchema(invitationSchema) },
      },
      config: { access: 'invitations:manage' },
    },
    (request) => invitations.list(callerOf(request), request.query),
  );

  app.delete(
    '/api/admin/invitations/:id',
    {
      schema: { tags, summary: 'Revoke an invitation', params: idParams, response: { 200: invitationSchema } },
      config: { access: 'invitations:manage' },
    },
    (request) => invitations.revoke(callerOf(request), request.params.id),
  );

  app.post(
    '/api/admin/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send again with a new token; the previous link stops working',
        params: idParams,
        response: { 200: invitationSchema },
      },
      config: { access: 'invitations:manage' },
    },
    (request) => invitations.resend(callerOf(request), request.params.id),
  );

  app.get(
    '/api/auth/invitations/:token',
    {
      schema: {
        tags,
        summary: 'What an invitation grants',
        params: tokenParams,
        response: { 200: invitationPreviewSchema },
      },
      config: { access: 'public' },
    },
    (request) => invitationAcceptance.preview(request.params.token),
  );

  app.post(
    '/api/auth/invitations/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: choose a username and password; the account becomes active',
        params: tokenParams,
        body: z.strictObject({
          username: usernameSchema,
          password: z.string().min(1).max(1024),
          displayName: z.string().max(200).optional(),
        }),
        response: { 200: userSchema },
      },
      config: { access: 'public' },
    },
    (request) => {
      const { ip, userAgent } = clientOf(request);
      return invitationAcceptance.accept(request.params.token, request.body, anonymousActor(ip, userAgent));
    },
  );
};
