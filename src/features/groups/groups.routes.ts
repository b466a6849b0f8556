/** Group routes: the tree, members, and the roles a group grants. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import { listQuerySchema, pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import { roleIdsSchema } from '../roles/roles.schema.ts';
import { idParamsSchema, userSchema } from '../users/users.schema.ts';
import {
  createGroupSchema,
  groupSchema,
  listGroupsQuerySchema,
  memberBodySchema,
  memberParamsSchema,
  updateGroupSchema,
} from './groups.schema.ts';

export const groupsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { groups } = services;
  const tags = ['groups'];

  app.get(
    '/api/admin/groups',
    {
      schema: {
        tags,
        summary: 'List groups by name',
        querystring: listGroupsQuerySchema,
        response: { 200: pageSchema(groupSchema) },
      },
      config: { access: 'groups:read' },
    },
    (request) => groups.list(request.query),
  );

  app.post(
    '/api/admin/groups',
    {
      schema: { tags, summary: 'Create a group', body: createGroupSchema, response: { 201: groupSchema } },
      config: { access: 'groups:write' },
    },
    async (request, reply) => reply.status(201).send(await groups.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/admin/groups/:id',
    {
      schema: { tags, summary: 'Read a group', params: idParamsSchema, response: { 200: groupSchema } },
      config: { access: 'groups:read' },
    },
    (request) => groups.get(request.params.id),
  );

  app.patch(
    '/api/admin/groups/:id',
    {
      schema: {
        tags,
        summary: 'Rename, describe or move a group',
        params: idParamsSchema,
        body: updateGroupSchema,
        response: { 200: groupSchema },
      },
      config: { access: 'groups:write' },
    },
    (request) => groups.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/admin/groups/:id',
    {
      schema: { tags, summary: 'Delete a group; members stay users, sub-groups move up', params: idParamsSchema },
      config: { access: 'groups:write' },
    },
    async (request, reply) => {
      await groups.delete(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/admin/groups/:id/roles',
    {
      schema: {
        tags,
        summary: 'Set the roles a group grants',
        params: idParamsSchema,
        body: roleIdsSchema,
        response: { 200: groupSchema },
      },
      config: { access: 'groups:write' },
    },
    (request) => groups.setRoles(callerOf(request), request.params.id, request.body.roleIds),
  );

  app.get(
    '/api/admin/groups/:id/members',
    {
      schema: {
        tags,
        summary: 'Direct members of a group',
        params: idParamsSchema,
        querystring: listQuerySchema.omit({ q: true }),
        response: { 200: pageSchema(userSchema) },
      },
      config: { access: 'groups:read' },
    },
    (request) => groups.members(callerOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/admin/groups/:id/members',
    {
      schema: { tags, summary: 'Add a member', params: idParamsSchema, body: memberBodySchema },
      config: { access: 'groups:write' },
    },
    async (request, reply) => {
      await groups.addMember(callerOf(request), request.params.id, request.body.userId);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/admin/groups/:id/members/:userId',
    {
      schema: { tags, summary: 'Remove a member', params: memberParamsSchema },
      config: { access: 'groups:write' },
    },
    async (request, reply) => {
      await groups.removeMember(callerOf(request), request.params.id, request.params.userId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/groups/:id/tree',
    {
      schema: {
        tags,
        summary: 'Sub-groups of a group',
        params: idParamsSchema,
        response: { 200: z.object({ items: z.array(groupSchema) }) },
      },
      config: { access: 'groups:read' },
    },
    async (request) => ({ items: (await groups.list({ parentId: request.params.id, limit: 200 })).items }),
  );
};
