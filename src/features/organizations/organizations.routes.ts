/** Organization routes, members and their organization roles. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../../http/caller.ts';
import { pageSchema } from '../../http/pagination.ts';
import type { Services } from '../../services.ts';
import { idParamsSchema } from '../users/users.schema.ts';
import {
  addMemberSchema,
  createOrganizationSchema,
  listOrganizationsQuerySchema,
  organizationMemberSchema,
  organizationSchema,
  updateOrganizationSchema,
} from './organizations.schema.ts';

const memberParams = z.object({ id: z.string().min(1).max(100), userId: z.string().min(1).max(100) });

export const organizationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { organizations } = services;
  const tags = ['organizations'];

  app.get(
    '/api/admin/organizations',
    {
      schema: {
        tags,
        summary: 'List the organizations the caller may see',
        querystring: listOrganizationsQuerySchema,
        response: { 200: pageSchema(organizationSchema) },
      },
      config: { access: 'organizations:read' },
    },
    (request) => organizations.list(callerOf(request), request.query),
  );

  app.post(
    '/api/admin/organizations',
    {
      schema: {
        tags,
        summary: 'Create an organization',
        body: createOrganizationSchema,
        response: { 201: organizationSchema },
      },
      config: { access: 'organizations:write' },
    },
    async (request, reply) => reply.status(201).send(await organizations.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/admin/organizations/:id',
    {
      schema: { tags, summary: 'Read an organization', params: idParamsSchema, response: { 200: organizationSchema } },
      config: { access: 'organizations:read' },
    },
    (request) => organizations.get(callerOf(request), request.params.id),
  );

  app.patch(
    '/api/admin/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Rename an organization',
        params: idParamsSchema,
        body: updateOrganizationSchema,
        response: { 200: organizationSchema },
      },
      config: { access: 'organizations:write' },
    },
    (request) => organizations.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/admin/organizations/:id',
    {
      schema: { tags, summary: 'Delete an organization (its members stay users)', params: idParamsSchema },
      config: { access: 'organizations:write' },
    },
    async (request, reply) => {
      await organizations.delete(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/organizations/:id/members',
    {
      schema: {
        tags,
        summary: 'Members and their organization roles',
        params: idParamsSchema,
        response: { 200: z.object({ items: z.array(organizationMemberSchema) }) },
      },
      config: { access: 'organizations:read' },
    },
    async (request) => ({ items: await organizations.members(callerOf(request), request.params.id) }),
  );

  app.post(
    '/api/admin/organizations/:id/members',
    {
      schema: {
        tags,
        summary: 'Add a member, optionally with organization roles',
        params: idParamsSchema,
        body: addMemberSchema,
      },
      config: { access: 'organizations:write' },
    },
    async (request, reply) => {
      await organizations.addMember(callerOf(request), request.params.id, request.body.userId, request.body.roleIds);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/admin/organizations/:id/members/:userId',
    {
      schema: { tags, summary: 'Remove a member', params: memberParams },
      config: { access: 'organizations:write' },
    },
    async (request, reply) => {
      await organizations.removeMember(callerOf(request), request.params.id, request.params.userId);
      return reply.status(204).send();
    },
  );
};
