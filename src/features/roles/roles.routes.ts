/** Role routes: the catalogue of roles and the roles a user holds directly. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import type { Services } from '../../services.ts';
import { idParamsSchema } from '../users/users.schema.ts';
import { createRoleSchema, roleIdsSchema, roleSchema, updateRoleSchema } from './roles.schema.ts';

export const rolesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { roles } = services;
  const tags = ['roles'];

  app.get(
    '/api/admin/roles',
    {
      schema: { tags, summary: 'List roles', response: { 200: z.object({ items: z.array(roleSchema) }) } },
      config: { access: 'roles:read' },
    },
    async () => ({ items: await roles.list() }),
  );

  app.post(
    '/api/admin/roles',
    {
      schema: { tags, summary: 'Create a custom role', body: createRoleSchema, response: { 201: roleSchema } },
      config: { access: 'roles:write' },
    },
    async (request, reply) => reply.status(201).send(await roles.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/admin/roles/:id',
    {
      schema: { tags, summary: 'Read a role', params: idParamsSchema, response: { 200: roleSchema } },
      config: { access: 'roles:read' },
    },
    (request) => roles.get(request.params.id),
  );

  app.patch(
    '/api/admin/roles/:id',
    {
      schema: {
        tags,
        summary: 'Edit a custom role',
        params: idParamsSchema,
        body: updateRoleSchema,
        response: { 200: roleSchema },
      },
      config: { access: 'roles:write' },
    },
    (request) => roles.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/admin/roles/:id',
    {
      schema: { tags, summary: 'Delete a custom role', params: idParamsSchema },
      config: { access: 'roles:write' },
    },
    async (request, reply) => {
      await roles.delete(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/admin/users/:id/roles',
    {
      schema: {
        tags,
        summary: 'Set the roles a user holds directly',
        params: idParamsSchema,
        body: roleIdsSchema,
        response: { 200: z.object({ items: z.array(roleSchema) }) },
      },
      config: { access: 'users:write' },
    },
    async (request) => ({
      items: await roles.setUserRoles(callerOf(request), request.params.id, request.body.roleIds),
    }),
  );
};
