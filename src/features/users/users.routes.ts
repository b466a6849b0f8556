/** Admin user directory routes. Each declares its permission; each handler calls one service function. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import { pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import {
  adminPasswordResetSchema,
  bulkActionSchema,
  bulkResultSchema,
  createUserSchema,
  foldersSchema,
  idParamsSchema,
  listUsersQuerySchema,
  updateUserSchema,
  userSchema,
} from './users.schema.ts';

export const usersRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { users, lifecycle } = services;
  const tags = ['users'];

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags,
        summary: 'List and search users',
        querystring: listUsersQuerySchema,
        response: { 200: pageSchema(userSchema) },
      },
      config: { access: 'users:read' },
    },
    (request) => users.list(callerOf(request), request.query),
  );

  app.post(
    '/api/admin/users',
    {
      schema: { tags, summary: 'Create a user', body: createUserSchema, response: { 201: userSchema } },
      config: { access: 'users:write' },
    },
    async (request, reply) => reply.status(201).send(await users.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/admin/users/folders',
    {
      schema: {
        tags,
        summary: 'Folders (user paths) with their users, own and with sub-folders',
        response: { 200: foldersSchema },
      },
      config: { access: 'users:read' },
    },
    (request) => users.folders(callerOf(request)),
  );

  app.post(
    '/api/admin/users/bulk',
    {
      schema: {
        tags,
        summary: 'Delete, disable or enable many users',
        body: bulkActionSchema,
        response: { 200: bulkResultSchema },
      },
      config: { access: 'users:write' },
    },
    async (request) => ({ results: await lifecycle.bulk(callerOf(request), request.body.action, request.body.ids) }),
  );

  app.get(
    '/api/admin/users/:id',
    {
      schema: { tags, summary: 'Read a user', params: idParamsSchema, response: { 200: userSchema } },
      config: { access: 'users:read' },
    },
    (request) => users.get(callerOf(request), request.params.id),
  );

  app.patch(
    '/api/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'Edit a user; a blank or absent password keeps it',
        params: idParamsSchema,
        body: updateUserSchema,
        response: { 200: userSchema },
      },
      config: { access: 'users:write' },
    },
    (request) => users.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/admin/users/:id',
    {
      schema: { tags, summary: 'Delete a user and everything it owns', params: idParamsSchema },
      config: { access: 'users:delete' },
    },
    async (request, reply) => {
      await lifecycle.delete(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/admin/users/:id/disable',
    {
      schema: {
        tags,
        summary: 'Disable a user; ends its sessions and stops its API keys',
        params: idParamsSchema,
        response: { 200: userSchema },
      },
      config: { access: 'users:write' },
    },
    (request) => lifecycle.disable(callerOf(request), request.params.id),
  );

  app.post(
    '/api/admin/users/:id/enable',
    {
      schema: { tags, summary: 'Enable a disabled user', params: idParamsSchema, response: { 200: userSchema } },
      config: { access: 'users:write' },
    },
    (request) => lifecycle.enable(callerOf(request), request.params.id),
  );

  app.post(
    '/api/admin/users/:id/password',
    {
      schema: {
        tags,
        summary: 'Set or generate a password (admin reset)',
        params: idParamsSchema,
        body: adminPasswordResetSchema,
        response: { 200: z.object({ generatedPassword: z.string().optional(), sessionsEnded: z.number().int() }) },
      },
      config: { access: 'users:write' },
    },
    (request) => lifecycle.resetPassword(callerOf(request), request.params.id, request.body),
  );
};
