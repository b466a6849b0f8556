/** API key routes: the user's personal keys and the admin's system keys. One service call per handler. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { opaqueIdSchema } from '../sessions/sessions.schema.ts';
import { apiKeyListSchema, createApiKeySchema, createdApiKeySchema } from './api-keys.schema.ts';

const idParams = z.object({ id: opaqueIdSchema });

export const apiKeysRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { apiKeys } = services;
  const tags = ['api-keys'];

  app.get(
    '/api/me/api-keys',
    {
      schema: { tags, summary: 'The own personal API keys (prefix only)', response: { 200: apiKeyListSchema } },
      config: { access: 'signed-in' },
    },
    async (request) => ({ items: await apiKeys.listOwn(callerOf(request)) }),
  );

  app.post(
    '/api/me/api-keys',
    {
      schema: {
        tags,
        summary: 'Create a personal key; the answer alone carries the secret',
        body: createApiKeySchema,
        response: { 201: createdApiKeySchema },
      },
      config: { access: 'signed-in' },
    },
    async (request, reply) => reply.status(201).send(await apiKeys.createOwn(callerOf(request), request.body)),
  );

  app.delete(
    '/api/me/api-keys/:id',
    {
      schema: { tags, summary: 'Revoke an own personal key', params: idParams },
      config: { access: 'signed-in' },
    },
    async (request, reply) => {
      await apiKeys.revokeOwn(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/api-keys',
    {
      schema: {
        tags,
        summary: 'System keys, or with ownerId one user’s personal keys',
        querystring: z.object({ ownerId: opaqueIdSchema.optional() }),
        response: { 200: apiKeyListSchema },
      },
      config: { access: 'api-keys:manage' },
    },
    async (request) => ({ items: await apiKeys.list(callerOf(request), request.query.ownerId) }),
  );

  app.post(
    '/api/admin/api-keys',
    {
      schema: {
        tags,
        summary: 'Create a system key with explicit permissions; the answer alone carries the secret',
        body: createApiKeySchema,
        response: { 201: createdApiKeySchema },
      },
      config: { access: 'api-keys:manage' },
    },
    async (request, reply) => reply.status(201).send(await apiKeys.createSystem(callerOf(request), request.body)),
  );

  app.delete(
    '/api/admin/api-keys/:id',
    {
      schema: { tags, summary: 'Revoke a system key or a user’s personal key', params: idParams },
      config: { access: 'api-keys:manage' },
    },
    async (request, reply) => {
      await apiKeys.revoke(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
};
