/** Session routes: the user's own sessions and the admin's session monitor. One service call per handler. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser } from '../../http/auth-context.ts';
import { callerOf } from '../../http/caller.ts';
import { listQuerySchema, pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import { adminSessionSchema, opaqueIdSchema, sessionSchema } from './sessions.schema.ts';

const idParams = z.object({ id: opaqueIdSchema });
const listQuery = listQuerySchema.omit({ q: true }).extend({ userId: opaqueIdSchema.optional() });
const ownList = z.object({ items: z.array(sessionSchema) });
const ended = z.object({ sessionsEnded: z.number().int() });

export const sessionsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { sessionMonitor: monitor } = services;
  const tags = ['sessions'];
  const current = (request: { auth: { sessionId: string | null } | null }) => request.auth?.sessionId ?? null;

  app.get(
    '/api/me/sessions',
    {
      schema: { tags, summary: 'The own live sessions; the calling one is marked current', response: { 200: ownList } },
      config: { access: 'signed-in' },
    },
    async (request) => ({ items: await monitor.listOwn(requireUser(request.auth).id, current(request)) }),
  );

  app.delete(
    '/api/me/sessions/:id',
    {
      schema: { tags, summary: 'End one of the own sessions (another user’s id is a 404)', params: idParams },
      config: { access: 'signed-in' },
    },
    async (request, reply) => {
      await monitor.revokeOwn(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/sessions',
    {
      schema: {
        tags,
        summary: 'Every live session in scope, newest first, optionally one user’s',
        querystring: listQuery,
        response: { 200: pageSchema(adminSessionSchema) },
      },
      config: { access: 'sessions:read' },
    },
    (request) => monitor.list(callerOf(request), request.query, current(request)),
  );

  app.delete(
    '/api/admin/sessions',
    {
      schema: {
        tags,
        summary: 'End every session in scope (optionally one user’s) except the calling one',
        querystring: z.object({ userId: opaqueIdSchema.optional() }),
        response: { 200: ended },
      },
      config: { access: 'sessions:revoke' },
    },
    async (request) => ({
      sessionsEnded: await monitor.revokeAll(callerOf(request), request.query.userId, current(request)),
    }),
  );

  app.delete(
    '/api/admin/sessions/:id',
    {
      schema: { tags, summary: 'End one session', params: idParams },
      config: { access: 'sessions:revoke' },
    },
    async (request, reply) => {
      await monitor.revoke(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/users/:id/sessions',
    {
      schema: { tags, summary: 'A user’s live sessions', params: idParams, response: { 200: ownList } },
      config: { access: 'sessions:read' },
    },
    async (request) => ({
      items: await monitor.listOfUser(callerOf(request), request.params.id, current(request)),
    }),
  );

  app.delete(
    '/api/admin/users/:id/sessions',
    {
      schema: { tags, summary: 'End every session of a user', params: idParams, response: { 200: ended } },
      config: { access: 'sessions:revoke' },
    },
    async (request) => ({ sessionsEnded: await monitor.revokeAllOfUser(callerOf(request), request.params.id) }),
  );
};
